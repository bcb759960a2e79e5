import type { LookupAddress, LookupOptions } from "node:dns";
import { addressBlockReason, hostNotPublicMessage, type ResolveHost } from "@paygate/shared";

/** A connection refused by the SSRF guard; the message is recorded on the attempt. */
export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
  readonly code = "ERR_WEBHOOK_ADDRESS_BLOCKED";
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `dns.lookup` replacement for the HTTP agent: it resolves the host itself and refuses the connection unless
 * every answer is a public unicast address (or inside an allowed CIDR). Checking at connect time, on the very
 * addresses the socket will use, closes the DNS-rebinding gap between registration and delivery.
 */
export function guardedLookup(resolveHost: ResolveHost, allowedCidrs: readonly string[]) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolveHost(hostname).then(
      (answers) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = answers.filter(({ family }) => wanted === undefined || family === wanted);
        if (answers.length === 0 || addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} does not resolve`), { code: "ENOTFOUND" }), []);
          return;
        }
        // the message (kept on the attempt, shown to the merchant) must not say what the name resolved to
        if (answers.some(({ address }) => addressBlockReason(address, allowedCidrs) !== null)) {
          callback(new BlockedAddressError(`blocked: ${hostNotPublicMessage(hostname)}`), []);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
