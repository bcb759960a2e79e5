/** `dev`, `demo` and `pay` need the dev-only package, which a production install leaves out. */
export class DevtoolsMissingError extends Error {
  override name = "DevtoolsMissingError";
  readonly code = "devtools_not_installed";
  constructor(command: string) {
    super(
      `\`paygate ${command}\` is a development tool and this install has none (@paygate/devtools is not ` +
        "installed: a production image). Run it from a checkout after `pnpm install`.",
    );
  }
}

/** Pure: whether an import failed because `specifier` itself is not installed (not one of its own imports). */
export function isMissingPackage(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === "ERR_MODULE_NOT_FOUND" && (message ?? "").includes(`'${specifier}'`);
}

/** Loaded on demand: the runtime commands never pay for it, and the production image never has it. */
export async function loadDevtools(command: string): Promise<typeof import("@paygate/devtools")> {
  try {
    // TypeScript from the checkout: its loader first (see @paygate/devtools/register.mjs)
    await import("@paygate/devtools/register");
    return await import("@paygate/devtools");
  } catch (error) {
    if (isMissingPackage(error, "@paygate/devtools")) throw new DevtoolsMissingError(command);
    throw error;
  }
}
