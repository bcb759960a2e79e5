import { networks, payments, Transaction } from "bitcoinjs-lib";
import { describe, expect, it } from "vitest";
import { matchMempoolOutputs, matchOutputs, signalsRbf } from "./match-outputs.ts";

const network = networks.regtest;
const payment = (byte: number) => payments.p2wpkh({ hash: new Uint8Array(20).fill(byte), network });
const watchedPayment = payment(1);
const stranger = payment(2);

function transaction(sequences: number[], outputs: { script: Uint8Array; value: bigint }[]): Transaction {
  const tx = new Transaction();
  sequences.forEach((sequence, i) => {
    tx.addInput(new Uint8Array(32).fill(i + 1), 0, sequence);
  });
  for (const output of outputs) tx.addOutput(output.script, output.value);
  return tx;
}

const watched = { has: (key: string) => key === watchedPayment.address };

describe("matchOutputs", () => {
  it("finds each output paying a watched address, with its index and exact satoshi", () => {
    const tx = transaction(
      [0xffffffff],
      [
        { script: stranger.output!, value: 1n },
        { script: watchedPayment.output!, value: 2_100_000_000_000_000n },
        { script: watchedPayment.output!, value: 546n },
      ],
    );
    expect(matchOutputs(tx, network, watched, "BTC")).toEqual([
      {
        address: watchedPayment.address,
        asset: "BTC",
        txHash: tx.getId(),
        index: 1,
        amount: 2_100_000_000_000_000n,
      },
      { address: watchedPayment.address, asset: "BTC", txHash: tx.getId(), index: 2, amount: 546n },
    ]);
  });

  it("matches nothing in a transaction paying strangers", () => {
    const tx = transaction([0xffffffff], [{ script: stranger.output!, value: 10_000n }]);
    expect(matchOutputs(tx, network, watched, "BTC")).toEqual([]);
  });

  it("takes the txid given rather than hashing again", () => {
    const tx = transaction([0xffffffff], [{ script: watchedPayment.output!, value: 5n }]);
    expect(matchOutputs(tx, network, watched, "BTC", "ab".repeat(32))[0]?.txHash).toBe("ab".repeat(32));
  });
});

describe("signalsRbf (BIP125)", () => {
  it.each([
    [[0xffffffff], false],
    [[0xfffffffe], false],
    [[0xfffffffd], true],
    [[0], true],
    [[0xffffffff, 0xfffffffd], true],
  ])("sequences %j signal %s", (sequences, expected) => {
    expect(signalsRbf(transaction(sequences, []))).toBe(expected);
  });

  it("is carried on every mempool transfer of the transaction", () => {
    const tx = transaction([0xfffffffd], [{ script: watchedPayment.output!, value: 7n }]);
    expect(matchMempoolOutputs(tx, network, watched, "BTC")).toMatchObject([
      { index: 0, amount: 7n, rbf: true },
    ]);
  });
});
