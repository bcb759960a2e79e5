import {
  type Chain,
  deriveDepositAddress,
  isChainEnabled,
  listWallets,
  parseWalletKey,
  receiveDescriptor,
  type ScriptType,
  setWallet,
  type Wallet,
  walletNetworkFor,
} from "@paygate/shared";
import { type Command, InvalidArgumentError, Option } from "commander";
import { withDatabase } from "../context.ts";
import { printRecord, printRecords } from "../output.ts";

/** Encodes the wallet's next address for a chain it serves, preferring one this gateway watches. */
function nextAddress(wallet: Wallet, chains: readonly Chain[]): { chain: string; address: string } | null {
  const serving = chains.filter(
    (chain) => chain.family === wallet.family && walletNetworkFor(chain) === wallet.network,
  );
  const chain = serving.find(isChainEnabled) ?? serving[0];
  if (!chain) return null;
  return { chain: chain.id, address: deriveDepositAddress(wallet, chain, wallet.next_index) };
}

function walletRecord(wallet: Wallet): Record<string, unknown> {
  return {
    id: wallet.id,
    merchant_id: wallet.merchant_id,
    family: wallet.family,
    network: wallet.network,
    script_type: wallet.script_type,
    xpub: wallet.xpub,
    next_index: wallet.next_index,
    retired_at: wallet.retired_at?.toISOString() ?? null,
  };
}

export function registerWallets(program: Command): void {
  const wallets = program.command("wallets").description("manage merchants' extended public keys");

  wallets
    .command("set")
    .description("set a merchant's wallet (an account-level extended public key) for a chain family")
    .requiredOption("--merchant <id>", "merchant id")
    .addOption(
      new Option("--family <family>", "chain family").choices(["evm", "bitcoin"]).makeOptionMandatory(),
    )
    .requiredOption(
      "--xpub <key>",
      "extended PUBLIC key (xpub/ypub/zpub, tpub/upub/vpub); never a private key",
    )
    .addOption(
      new Option(
        "--type <type>",
        "Bitcoin script type (default: from the key's prefix; p2tr for BIP86)",
      ).choices(["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"]),
    )
    .action(
      async (
        options: { merchant: string; family: "evm" | "bitcoin"; xpub: string; type?: ScriptType },
        command: Command,
      ) => {
        if (options.family === "evm" && options.type) {
          throw new InvalidArgumentError("--type applies to bitcoin wallets only");
        }
        const { wallet, next } = await withDatabase(async (db, config) => {
          const saved = await setWallet(db, {
            merchantId: options.merchant,
            family: options.family,
            xpub: options.xpub,
            scriptType: options.type,
          });
          return { wallet: saved, next: nextAddress(saved, config.chains) };
        });
        const output = command.optsWithGlobals();
        printRecord(
          {
            ...walletRecord(wallet),
            // as the operator gave it (a zpub stays a zpub); the registry keeps the version-neutral form
            xpub: options.xpub,
            ...(wallet.xpub === options.xpub ? {} : { xpub_as_stored: wallet.xpub }),
            next_address: next?.address ?? null,
            next_address_chain: next?.chain ?? null,
          },
          output,
        );
        if (!output.json) {
          process.stderr.write(
            [
              `Each payment intent takes a fresh address (0/i, from index ${wallet.next_index} up).`,
              "Set your wallet's gap limit above the number of intents that can stay unpaid within one monitoring",
              "window, or the wallet will not see payments to later addresses.",
              "",
            ].join("\n"),
          );
        }
      },
    );

  wallets
    .command("list")
    .description("list a merchant's wallets, active and retired")
    .requiredOption("--merchant <id>", "merchant id")
    .action(async (options: { merchant: string }, command: Command) => {
      const rows = await withDatabase((db) => listWallets(db, options.merchant));
      printRecords(rows.map(walletRecord), command.optsWithGlobals());
    });

  wallets
    .command("descriptor")
    .description(
      "print a Bitcoin wallet's receive descriptor (BIP380 checksum, range in use) for a watch-only import",
    )
    .requiredOption("--merchant <id>", "merchant id")
    .addOption(new Option("--family <family>", "chain family").choices(["bitcoin"]).default("bitcoin"))
    .action(async (options: { merchant: string }, command: Command) => {
      const rows = await withDatabase((db) => listWallets(db, options.merchant));
      const wallet = rows.find((row) => row.family === "bitcoin" && row.retired_at === null);
      if (!wallet)
        throw new InvalidArgumentError(`merchant ${options.merchant} has no active bitcoin wallet`);
      const key = parseWalletKey(wallet.xpub, "bitcoin", wallet.script_type);
      const { descriptor, range } = receiveDescriptor(key, wallet.next_index);
      const output = command.optsWithGlobals();
      if (output.json) {
        // the shape Bitcoin Core's importdescriptors takes
        const request = { desc: descriptor, range, timestamp: "now", active: true, internal: false };
        process.stdout.write(`${JSON.stringify(request, null, 2)}\n`);
        return;
      }
      printRecord({ descriptor, range: `${range[0]}-${range[1]}`, network: wallet.network }, output);
    });
}
