/**
 * Gas limits the plan fixes for `sign`. Upper bounds, not estimates: unused gas is not charged, while a limit
 * too low reverts the whole batch. Each figure covers the worst case measured by `pnpm bench sweep`
 * (first transfer to a treasury creates its balance slot; cold account and storage access everywhere).
 */
export const TX_BASE_GAS = 21_000n;
/** EIP-7702 PER_EMPTY_ACCOUNT_COST, charged per authorization (partly refunded when the account exists). */
export const AUTHORIZATION_GAS = 25_000n;
/** Calling `sweep` on one delegated address: cold access, call, loop, and its calldata (address, authorization). */
export const SWEEP_ADDRESS_GAS = 15_000n;
/** One token in `sweep`: balanceOf (cold) and a transfer that may create the treasury's balance slot. */
export const SWEEP_TOKEN_GAS = 45_000n;
/** The native transfer to the treasury: value call to a possibly cold account. */
export const SWEEP_NATIVE_GAS = 12_000n;
/** A plain ERC-20 transfer from a deposit address (top-up method). */
export const TOKEN_TRANSFER_GAS = 65_000n;
export const NATIVE_TRANSFER_GAS = 21_000n;
/** CREATE2 of the Sweeper through the proxy (319k measured on Anvil: mostly the 200 gas per byte of code). */
export const DEPLOY_SWEEPER_GAS = 500_000n;
/** At most this many addresses per sponsor transaction (contract section 7). */
export const MAX_BATCH = 100;

/** Gas one address adds to a batch: its authorization when not yet delegated, then each asset it holds. */
export function batchShareGas(options: { authorize: boolean; tokens: number; native: boolean }): bigint {
  return (
    (options.authorize ? AUTHORIZATION_GAS : 0n) +
    SWEEP_ADDRESS_GAS +
    BigInt(options.tokens) * SWEEP_TOKEN_GAS +
    (options.native ? SWEEP_NATIVE_GAS : 0n)
  );
}
