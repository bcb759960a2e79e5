/**
 * Account xpub (m/44'/60'/0') of the public Anvil/Hardhat mnemonic "test test … junk": its `0/i` addresses are
 * Anvil's prefunded accounts (0xf39F…, 0x7099…), so the dev seed and tests get deposit addresses they can spend
 * from. Computed once offline; `derive.test.ts` re-derives it from the mnemonic. Worthless outside a dev chain.
 */
export const ANVIL_ACCOUNT_XPUB =
  "xpub6Ce9NcJvTk36xtLSrJLZqE7wtgA5deCeYs7rSQtreh4cj6ByPtrg9sD7V2FNFLPnf8heNP3FGkeV9qwfzvZNSd54JoNXVsXFYSYwHsnJxqP";
