/**
 * HTML built from template literals that escape every interpolated value unless it is already `SafeHtml`.
 * Escaping by default is the point: merchant-supplied text (order ids, names) can never become markup.
 */
export class SafeHtml {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let text = strings[0]!;
  values.forEach((value, index) => {
    text += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(text);
}

/** Markup from a trusted generator (the QR code SVG); never for anything a merchant or payer supplied. */
export function trustedHtml(text: string): SafeHtml {
  return new SafeHtml(text);
}

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  // false and absent values render nothing, so `${condition && html`...`}` reads naturally
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}
