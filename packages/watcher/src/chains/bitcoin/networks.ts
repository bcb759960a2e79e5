import type { BitcoinNetwork, Chain } from "@paygate/shared";
import { type Network, networks } from "bitcoinjs-lib";

/** The address encoding of a Bitcoin chain: testnet4 and signet share testnet's prefixes (tb1, m/n, 2). */
export function addressNetwork(network: BitcoinNetwork): Network {
  return networks[network];
}

export function chainNetwork(chain: Chain): Network {
  if (chain.family !== "bitcoin") throw new TypeError(`${chain.id} is not a Bitcoin chain`);
  return addressNetwork(chain.bitcoinNetwork ?? "bitcoin");
}
