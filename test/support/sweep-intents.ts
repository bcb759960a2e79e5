import type { IntentObject } from "@paygate/shared";
import type { Stack } from "@paygate/testkit";
import { type TestToken, until } from "@paygate/testkit";
import { parseUnits } from "viem";

/** One paid intent per entry: created through the API, paid in full by the stack's payer. */
export interface PaidIntent {
  intent: IntentObject;
  asset: "ETH" | "TUSD" | "USDT";
  units: bigint;
}

/** Creates and pays `count` intents of each asset (ETH, TUSD, the no-bool USDT), then waits until all are confirmed. */
export async function payIntents(
  stack: Stack,
  usdt: TestToken,
  amounts: { ETH: string; TUSD: string; USDT: string },
  count: number,
): Promise<PaidIntent[]> {
  await stack.anvil.publicClient.waitForTransactionReceipt({
    hash: await usdt.mint(stack.payer.address, 10n ** 15n),
  });
  const paid: PaidIntent[] = [];
  for (const asset of ["ETH", "TUSD", "USDT"] as const) {
    for (let i = 0; i < count; i++) {
      const intent = (
        await stack.request("POST", "/v1/payment-intents", {
          body: { amount: amounts[asset], currency: asset, asset, chain: "anvil" },
        })
      ).body as IntentObject;
      const units = parseUnits(amounts[asset], asset === "ETH" ? 18 : 6);
      if (asset === "USDT") {
        await stack.anvil.publicClient.waitForTransactionReceipt({
          hash: await usdt.transfer(stack.payer, intent.address as `0x${string}`, units),
        });
      } else {
        await stack.pay(intent.address, amounts[asset], { asset });
      }
      paid.push({ intent, asset, units });
    }
  }
  await stack.mine(2);
  const ids = paid.map((entry) => entry.intent.id);
  await until(
    async () => {
      const row = await stack.db
        .selectFrom("payment_intents")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("id", "in", ids)
        .where("status", "=", "confirmed")
        .executeTakeFirstOrThrow();
      return Number(row.n) === ids.length;
    },
    { timeoutMs: 120_000 },
  );
  return paid;
}
