/**
 * Anvil's (and Hardhat's) public dev mnemonic. Its m/44'/60'/0'/0/i accounts are the ones Anvil funds, and the
 * account xpub above them (`ANVIL_ACCOUNT_XPUB`) is the `paygate dev` merchant's wallet. Worthless outside a
 * dev chain.
 */
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

/** How many accounts Anvil funds by default (10,000 ETH each). */
export const ANVIL_FUNDED_ACCOUNTS = 10;

/**
 * Account xpub (m/44'/60'/0') of `ANVIL_MNEMONIC`: its `0/i` addresses are Anvil's prefunded accounts (0xf39F…,
 * 0x7099…), so the dev seed and tests get deposit addresses they can spend from. Computed once offline;
 * `extended-key.test.ts` re-derives it from the mnemonic.
 */
export const ANVIL_ACCOUNT_XPUB =
  "xpub6Ce9NcJvTk36xtLSrJLZqE7wtgA5deCeYs7rSQtreh4cj6ByPtrg9sD7V2FNFLPnf8heNP3FGkeV9qwfzvZNSd54JoNXVsXFYSYwHsnJxqP";
