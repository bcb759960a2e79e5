import QRCode from "qrcode";

/**
 * The payment URI as an SVG QR code, rendered on the server so the page loads no script library and works
 * without JavaScript. Level M survives a smudged or glare-struck phone screen; the 2-module quiet zone plus
 * the page's white card keep the standard 4-module margin around it.
 */
export function paymentQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** Open checkout pages at once whose QR codes stay rendered (a few KiB each). */
export const QR_CACHE_ENTRIES = 2_000;

export interface PaymentQrCache {
  /** The intent's QR code for `uri`, rendered once per intent while its URI stays the same. */
  svgFor(intentId: string, uri: string): Promise<string>;
  readonly size: number;
}

/**
 * Rendering a QR code costs milliseconds of CPU and `/pay/:id` is public and polled: each intent's code is
 * kept, least recently used first out, so a reload or a flood of requests for one page renders nothing.
 */
export function paymentQrCache(
  maxEntries = QR_CACHE_ENTRIES,
  render: (uri: string) => Promise<string> = paymentQrSvg,
): PaymentQrCache {
  // a Map iterates in insertion order: re-inserting on use keeps the least recently used first
  const entries = new Map<string, { uri: string; svg: Promise<string> }>();
  return {
    svgFor(intentId, uri) {
      const cached = entries.get(intentId);
      entries.delete(intentId);
      const entry = cached?.uri === uri ? cached : { uri, svg: render(uri) };
      entries.set(intentId, entry);
      entry.svg.catch(() => {
        if (entries.get(intentId) === entry) entries.delete(intentId);
      });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return entry.svg;
    },
    get size() {
      return entries.size;
    },
  };
}
