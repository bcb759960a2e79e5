/** Names payers know from their wallets; an operator's own chain id is shown as is. */
const names: Record<string, string> = {
  anvil: "Anvil (local test network)",
  ethereum: "Ethereum",
  sepolia: "Sepolia (Ethereum testnet)",
  base: "Base",
  "base-sepolia": "Base Sepolia (testnet)",
  polygon: "Polygon PoS",
  arbitrum: "Arbitrum One",
  optimism: "OP Mainnet",
  bsc: "BNB Smart Chain",
  bitcoin: "Bitcoin",
  "bitcoin-testnet4": "Bitcoin testnet4",
  "bitcoin-signet": "Bitcoin signet",
  "bitcoin-regtest": "Bitcoin regtest",
};

export function networkName(chainId: string): string {
  return names[chainId] ?? chainId;
}
