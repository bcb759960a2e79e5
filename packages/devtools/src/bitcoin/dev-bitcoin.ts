import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
// The regtest simulator the end-to-end tests use (there is no bitcoind here). It is test code, so only this
// dev-only package imports it, never a runtime package.
import { type BitcoinSim, startBitcoinSim } from "../../../../test/bitcoin-sim/index.ts";

const MINER_TICK_MS = 250;

/** The chain `paygate dev --bitcoin` serves from the simulator. */
export const DEV_BITCOIN_CHAIN = "bitcoin-regtest";

export interface DevBitcoin {
  /** Bitcoin Core JSON-RPC of the simulator, credentials included: the gateway's `RPC_URL_BITCOIN_REGTEST`. */
  rpcUrl: string;
  /** The same without credentials, to show. */
  displayUrl: string;
  /** Where `paygate pay` asks the simulator's wallet to pay (see `payFromSimulator`). */
  control: SimulatorControl;
  tipHeight(): number;
  stop(): Promise<void>;
}

/** How another process (`paygate pay`) reaches the simulator's wallet: written to the dev session file. */
export interface SimulatorControl {
  url: string;
  token: string;
}

export interface SimulatorPayment {
  txid: string;
  /** The simulator wallet's own address the coins came from (its mining address). */
  from: string;
  /** The tip when it was broadcast: the payment waits in the mempool for the next block. */
  tipHeight: number;
}

/**
 * A simulated Bitcoin regtest node (in this process) with a funded wallet, mining a block `blockTime` seconds
 * after a transaction enters its mempool, so that a payment shows in the mempool first, then confirms. A small HTTP control endpoint on
 * 127.0.0.1, guarded by a random token, lets `paygate pay` spend from the simulator's wallet.
 */
export async function startDevBitcoin(options: { blockTime: number }): Promise<DevBitcoin> {
  const sim = await startBitcoinSim();
  // Mines once a transaction has waited `blockTime` seconds, so each payment shows in the mempool (pending)
  // for that long before it confirms, whenever it is sent.
  let waitingSince: number | undefined;
  const miner = setInterval(() => {
    if (sim.mempool().length === 0) waitingSince = undefined;
    else if (waitingSince === undefined) waitingSince = Date.now();
    else if (Date.now() - waitingSince >= options.blockTime * 1000) {
      sim.mine(1);
      waitingSince = undefined;
    }
  }, MINER_TICK_MS);
  const token = randomBytes(24).toString("base64url");
  const control = await startControl(sim, token);
  const rpcUrl = new URL(sim.rpc.url);
  rpcUrl.username = sim.rpc.user;
  rpcUrl.password = sim.rpc.password;
  return {
    rpcUrl: rpcUrl.toString(),
    displayUrl: sim.rpc.url,
    control: { url: control.url, token },
    tipHeight: () => sim.tipHeight(),
    async stop() {
      clearInterval(miner);
      await control.close();
      await sim.close();
    },
  };
}

async function startControl(
  sim: BitcoinSim,
  token: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer(async (request, response) => {
    const answer = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const given = Buffer.from(request.headers.authorization ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(401, {});
    if (request.method !== "POST" || request.url !== "/pay") return answer(404, {});
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      const { address, amount_sats } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        address: string;
        amount_sats: string;
      };
      const txid = sim.send({ to: address, amountSats: BigInt(amount_sats) });
      const payment: SimulatorPayment = {
        txid,
        from: sim.wallet.miningAddress,
        tipHeight: sim.tipHeight(),
      };
      answer(200, payment);
    } catch (error) {
      answer(422, { message: (error as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The simulator refused a payment (unknown address, too little in its wallet...). */
export class SimulatorPaymentError extends Error {
  override name = "SimulatorPaymentError";
  readonly code = "simulator_payment_refused";
}

/** Asks a running `paygate dev --bitcoin` to pay `amountSats` to `address` from its simulator's wallet. */
export async function payFromSimulator(
  control: SimulatorControl,
  address: string,
  amountSats: bigint,
): Promise<SimulatorPayment> {
  const response = await fetch(`${control.url}/pay`, {
    method: "POST",
    headers: { authorization: `Bearer ${control.token}`, "content-type": "application/json" },
    body: JSON.stringify({ address, amount_sats: amountSats.toString() }),
  });
  const body = (await response.json()) as SimulatorPayment & { message?: string };
  if (!response.ok)
    throw new SimulatorPaymentError(
      `the Bitcoin simulator refused the payment: ${body.message ?? response.status}`,
    );
  return body;
}
