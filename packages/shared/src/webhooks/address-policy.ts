import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import type { Config, PaygateEnv } from "../config/config.ts";
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
  /** Ports a URL may name outside development (`WEBHOOK_ALLOWED_PORTS`); by default 443 and 8443. */
  allowedPorts?: readonly number[];
  /** Resolves a host name to every address it has; defaults to the system resolver. Injected by tests. */
  resolveHost?: ResolveHost;
}

/** Contract section 8: outside development a webhook URL names port 443 or 8443 (or none). */
export const DEFAULT_WEBHOOK_PORTS: readonly number[] = [443, 8443];

export function webhookUrlPolicy(config: Config): WebhookUrlPolicy {
  return {
    env: config.env,
    allowedCidrs: config.webhooks.allowedCidrs,
    allowedPorts: config.webhooks.allowedPorts,
  };
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
 * IPv6 space ipaddr.js calls `unicast` although it is not reachable public unicast. Everything outside 2000::/3
 * (global unicast, RFC 4291) is refused as well; these are named so a refusal says which form it was.
 */
const nonPublicIpv6 = [
  ["::/96", "ipv4Compatible"], // deprecated IPv4-compatible form: ::127.0.0.1 reaches loopback on some stacks
  ["5f00::/16", "segmentRouting"], // RFC 9602
].map(([cidr, name]) => ({ network: ipaddr.parseCIDR(cidr!), name: name! }));
const globalUnicast = ipaddr.parseCIDR("2000::/3");

function rangeOf(parsed: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = parsed.range();
  if (range !== "unicast" || parsed.kind() !== "ipv6") return range;
  const named = nonPublicIpv6.find(({ network }) => parsed.match(network));
  if (named) return named.name;
  return parsed.match(globalUnicast) ? "unicast" : "nonGlobal";
}

/**
 * Why `address` may not receive webhooks, or null when it may. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is unmapped
 * first. Only public unicast passes: loopback, private (RFC 1918), link-local (cloud metadata at
 * 169.254.169.254), CGNAT, multicast, unspecified, broadcast, unique-local, reserved, IPv4-compatible IPv6
 * (`::/96`), the IPv6 ranges that embed an IPv4 address (NAT64, 6to4, Teredo) and all IPv6 outside 2000::/3 are
 * refused.
 */
export function addressBlockReason(address: string, allowedCidrs: readonly string[]): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(canonicalIpv6(address));
  for (const cidr of allowedCidrs) {
    const [network, bits] = ipaddr.parseCIDR(cidr);
    if (network.kind() === parsed.kind() && parsed.match(network, bits)) return null;
  }
  const range = rangeOf(parsed);
  return range === "unicast" ? null : `${parsed.toString()} is a ${range} address, not a public one`;
}

/**
 * IPv6 in hex groups, as the WHATWG URL parser writes it. ipaddr.js reads a dotted tail (`::8.8.8.8`, the form
 * glibc prints for `::/96` answers) as IPv4-mapped and would unmap an IPv4-compatible address to a public one.
 */
function canonicalIpv6(address: string): string {
  if (!address.includes(":")) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}

/** The port a webhook URL connects to (the scheme's default when it names none). */
export function urlPort(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** Why a URL's port is refused outside development, or null. */
export function portBlockReason(url: URL, allowedPorts: readonly number[]): string | null {
  const port = urlPort(url);
  return allowedPorts.includes(port)
    ? null
    : `port ${port} is not allowed for webhooks (allowed: ${allowedPorts.join(", ")})`;
}

/**
 * What a refusal of a host name says. It never names the addresses the name resolved to: a tenant could map
 * internal names by registering them one by one.
 */
export function hostNotPublicMessage(hostname: string): string {
  return `${hostname} does not resolve to public addresses only`;
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
  const portRefusal = portBlockReason(url, policy.allowedPorts ?? DEFAULT_WEBHOOK_PORTS);
  if (portRefusal) throw new WebhookUrlNotAllowedError(`webhook URL refused: ${portRefusal}`);
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
      // an address the merchant typed may be named; one a name resolved to may not
      throw new WebhookUrlNotAllowedError(
        `webhook URL refused: ${literal ? reason : hostNotPublicMessage(url.hostname)}`,
      );
    }
  }
  return url;
}
