import type { Asset, Chain } from "./chain.ts";

/**
 * Built-in networks. Confirmation thresholds are the contract's defaults (README: "Chains and confirmations"
 * gives the sources). RPC endpoints are deliberately empty for public networks: operators bring their own
 * (RPC_URL_<CHAIN> or the chain file); a chain without endpoints is not offered to merchants.
 */
const eth: Asset = { symbol: "ETH", type: "native", decimals: 18 };

function usdc(contract: `0x${string}`): Asset {
  return { symbol: "USDC", type: "erc20", decimals: 6, contract, peggedTo: "USD" };
}

function usdt(contract: `0x${string}`): Asset {
  return { symbol: "USDT", type: "erc20", decimals: 6, contract, peggedTo: "USD" };
}

function evm(
  id: string,
  chainId: number,
  requiredConfirmations: number,
  pollIntervalMs: number,
  assets: Asset[],
  rpcUrls: string[] = [],
): Chain {
  return {
    id,
    family: "evm",
    chainId,
    assets,
    requiredConfirmations,
    finality: "confirmations",
    pollIntervalMs,
    rpcUrls,
    maxBlockRange: 1000,
    internalTransfers: false,
    // every EVM preset has activated EIP-7702 (Ethereum Pectra, the OP Stack Isthmus, Arbitrum ArbOS 40,
    // Polygon Bhilai, BSC Pascal); Anvil 1.7.1 runs Prague by default
    eip7702: true,
  };
}

function bitcoin(
  id: string,
  network: "bitcoin" | "testnet" | "regtest",
  requiredConfirmations: number,
): Chain {
  return {
    id,
    family: "bitcoin",
    bitcoinNetwork: network,
    assets: [{ symbol: "BTC", type: "native", decimals: 8 }],
    requiredConfirmations,
    finality: "confirmations",
    pollIntervalMs: network === "regtest" ? 1000 : 15_000,
    rpcUrls: [],
    maxBlockRange: 1000,
    internalTransfers: false,
  };
}

export const chainPresets: readonly Chain[] = [
  { ...evm("anvil", 31337, 2, 1000, [eth], ["http://127.0.0.1:8545"]), maxBlockRange: 10_000 },
  evm("ethereum", 1, 12, 4000, [
    eth,
    usdc("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
    usdt("0xdAC17F958D2ee523a2206206994597C13D831ec7"),
  ]),
  evm("sepolia", 11155111, 3, 4000, [eth, usdc("0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238")]),
  evm("base", 8453, 40, 2000, [eth, usdc("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")]),
  evm("base-sepolia", 84532, 5, 2000, [eth, usdc("0x036CbD53842c5426634e7929541eC2318f3dCF7e")]),
  evm("polygon", 137, 40, 2000, [
    { symbol: "POL", type: "native", decimals: 18 },
    usdc("0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
    usdt("0xc2132D05D31c914a87C6611C10748AEb04B58e8F"),
  ]),
  evm("arbitrum", 42161, 40, 2000, [
    eth,
    usdc("0xaf88d065e77c8cC2239327C5EDb3A432268e5831"),
    usdt("0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"),
  ]),
  evm("optimism", 10, 40, 2000, [
    eth,
    usdc("0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85"),
    usdt("0x94b008aA00579c1307B0EF2c499aD98a8ce58e58"),
  ]),
  evm("bsc", 56, 15, 3000, [
    { symbol: "BNB", type: "native", decimals: 18 },
    { ...usdt("0x55d398326f99059fF775485246999027B3197955"), decimals: 18 },
  ]),
  bitcoin("bitcoin", "bitcoin", 2),
  bitcoin("bitcoin-testnet4", "testnet", 1),
  bitcoin("bitcoin-signet", "testnet", 1),
  bitcoin("bitcoin-regtest", "regtest", 1),
];
