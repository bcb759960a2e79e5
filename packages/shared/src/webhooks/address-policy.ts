import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import type { PaygateEnv } from "../config/config.ts";
import { InvalidRequestError } from "../errors.ts";

/**
 * Where webhooks may go (contract section 4). Outside development a URL must be https, carry no credentials and
 * resolve only to public unicast addresses, unless an address sits inside `WEBHOOK_ALLOWED_CIDRS` (merchants on a
 * LAN). The same address rule runs at registration and again at connect time, so DNS rebinding cannot sneak an
 * internal address in between.
 */
export interface WebhookUrlPolicy {
  env: PaygateEnv;
  allowedCidrs: readonly string[];
  /** Resolves a host name to every address it has; defaults to the system resolver. Injected by tests. */
  resolveHost?: ResolveHost;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolveHost: ResolveHost = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** A delivery or registration refused because of where the URL leads. */
export class WebhookUrlNotAllowedError extends InvalidRequestError {
  constructor(message: string) {
    super("url_not_allowed", message, { param: "url" });
  }
}

export function guardsWebhookUrls(env: PaygateEnv): boolean {
  return env !== "development";
}

/**
 * Why `address` may not receive webhooks, or null when it may. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is unmapped
 * first. Only ipaddr.js's `unicast` range is public: loopback, private (RFC 1918), link-local (cloud metadata at
 * 169.254.169.254), CGNAT, multicast, unspecified, broadcast, unique-local, reserved and the IPv6 ranges that
 * embed an IPv4 address (NAT64, 6to4, Teredo) are all refused.
 */
export function addressBlockReason(address: string, allowedCidrs: readonly string[]): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(address);
  for (const cidr of allowedCidrs) {
    const [network, bits] = ipaddr.parseCIDR(cidr);
    if (network.kind() === parsed.kind() && parsed.match(network, bits)) return null;
  }
  const range = parsed.range();
  return range === "unicast" ? null : `${parsed.toString()} is a ${range} address, not a public one`;
}

/** The URL's host as the WHATWG parser normalised it: `127.1`, `0x7f.1` and `2130706433` all become 127.0.0.1. */
export function urlHostAddress(url: URL): string | null {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? null : host;
}

/**
 * Checks a webhook URL at registration. Throws `WebhookUrlNotAllowedError` (`url_not_allowed`) with the reason.
 * Every resolved address must pass; one private record among public ones is enough to refuse.
 */
export async function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlNotAllowedError(`'${raw}' is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new WebhookUrlNotAllowedError("webhook URLs must use https");
  }
  if (!guardsWebhookUrls(policy.env)) return url;
  if (url.protocol !== "https:") throw new WebhookUrlNotAllowedError("webhook URLs must use https");
  if (url.username !== "" || url.password !== "") {
    throw new WebhookUrlNotAllowedError("webhook URLs must not carry credentials");
  }
  const literal = urlHostAddress(url);
  let addresses: string[];
  if (literal) {
    addresses = [literal];
  } else {
    try {
      addresses = (await (policy.resolveHost ?? systemResolveHost)(url.hostname)).map(
        ({ address }) => address,
      );
    } catch {
      throw new WebhookUrlNotAllowedError(`the host ${url.hostname} does not resolve`);
    }
    if (addresses.length === 0)
      throw new WebhookUrlNotAllowedError(`the host ${url.hostname} does not resolve`);
  }
  for (const address of addresses) {
    const reason = addressBlockReason(address, policy.allowedCidrs);
    if (reason) {
      const via = literal ? "" : `${url.hostname} resolves to `;
      throw new WebhookUrlNotAllowedError(`webhook URL refused: ${via}${reason}`);
    }
  }
  return url;
}
