/**
 * Anvil's (and Hardhat's) public dev mnemonic. Its m/44'/60'/0'/0/i accounts are the ones Anvil funds, and the
 * account xpub above them (`ANVIL_ACCOUNT_XPUB`) is the `paygate dev` merchant's wallet. Worthless outside a
 * dev chain.
 */
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

/** How many accounts Anvil funds by default (10,000 ETH each). */
export const ANVIL_FUNDED_ACCOUNTS = 10;
