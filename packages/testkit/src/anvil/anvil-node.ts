import { type Anvil, type CreateAnvilOptions, createAnvil } from "@viem/anvil";
import { anvilBinary } from "./anvil-binary.ts";
import { ANVIL_MNEMONIC } from "./dev-accounts.ts";

export type AnvilNode = Anvil;

/**
 * An Anvil process (not started) from the bundled binary, funding the accounts of `ANVIL_MNEMONIC`. Options are
 * `@viem/anvil`'s (camelCase, turned into `--kebab-case` flags).
 */
export function createAnvilNode(options: CreateAnvilOptions): AnvilNode {
  return createAnvil({ anvilBinary: anvilBinary(), mnemonic: ANVIL_MNEMONIC, ...options });
}
