import { describe, expect, it } from "vitest";
import {
  type CallFrame,
  matchInternalTransfers,
  matchNativeTransactions,
  matchTokenTransfers,
  type TokenTransferLog,
} from "./match-transfers.ts";

const watchedAddress = "0x00000000000000000000000000000000000000aa";
const other = "0x00000000000000000000000000000000000000bb";
const watched = { has: (key: string) => key === watchedAddress };
const checksummed = "0x00000000000000000000000000000000000000AA";

describe("matchNativeTransactions", () => {
  it("keeps value sent to a watched address, whatever its case", () => {
    const matches = matchNativeTransactions(
      [
        { hash: "0x1", to: checksummed, value: 5n },
        { hash: "0x2", to: other, value: 5n },
        { hash: "0x3", to: watchedAddress, value: 0n },
        { hash: "0x4", to: null, value: 5n },
      ],
      watched,
    );
    expect(matches).toEqual([{ txHash: "0x1", to: checksummed, amount: 5n }]);
  });
});

describe("what cannot count is reported, not dropped silently", () => {
  it("a 0-value transaction to a watched address, a 0-value Transfer log, a log the ABI does not decode", () => {
    const skipped: unknown[] = [];
    matchNativeTransactions([{ hash: "0x3", to: watchedAddress, value: 0n }], watched, skipped as never);
    const base = {
      address: "0xToken",
      blockHash: "0xb",
      blockNumber: 7n,
      transactionHash: "0xt",
      removed: false,
    };
    matchTokenTransfers(
      [
        { ...base, logIndex: 1, args: { to: checksummed, value: 0n } },
        { ...base, logIndex: 2, args: {} },
        { ...base, logIndex: 3, args: { to: other, value: 0n } },
      ],
      watched,
      skipped as never,
    );
    expect(skipped).toEqual([
      { reason: "zero_amount", txHash: "0x3", index: 0, address: watchedAddress, amount: 0n },
      { reason: "zero_amount", txHash: "0xt", index: 1, blockNumber: 7n, address: checksummed, amount: 0n },
      { reason: "malformed_log", txHash: "0xt", index: 2, blockNumber: 7n },
    ]);
  });
});

describe("matchTokenTransfers", () => {
  const log = (overrides: Partial<TokenTransferLog>): TokenTransferLog => ({
    address: "0xToken",
    blockHash: "0xb",
    blockNumber: 7n,
    transactionHash: "0xt",
    logIndex: 3,
    removed: false,
    args: { to: checksummed, value: 10n },
    ...overrides,
  });

  it("matches on the `to` topic and keeps the log index", () => {
    expect(matchTokenTransfers([log({})], watched)).toEqual([
      {
        blockNumber: 7n,
        blockHash: "0xb",
        txHash: "0xt",
        index: 3,
        to: checksummed,
        contract: "0xtoken",
        amount: 10n,
      },
    ]);
  });

  it.each([
    ["another recipient", log({ args: { to: other, value: 10n } })],
    ["zero value", log({ args: { to: checksummed, value: 0n } })],
    ["a removed log", log({ removed: true })],
    ["a pending log", log({ blockHash: null, blockNumber: null })],
    ["an undecodable log", log({ args: {} })],
  ])("ignores %s", (_name, entry) => {
    expect(matchTokenTransfers([entry], watched)).toEqual([]);
  });
});

describe("matchInternalTransfers", () => {
  const call = (to: string, value: bigint, extra: Partial<CallFrame> = {}): CallFrame => ({
    type: "CALL",
    from: "0xcontract",
    to,
    value: `0x${value.toString(16)}`,
    ...extra,
  });
  const root = (calls: CallFrame[], extra: Partial<CallFrame> = {}) => ({
    txHash: "0xt",
    result: { type: "CALL", from: "0xsender", to: "0xcontract", value: "0x5", calls, ...extra },
  });

  it("finds value forwarded by a contract, indexed 1 + its position in the call tree", () => {
    const traces = [root([call(other, 1n, { calls: [call(checksummed, 2n)] }), call(checksummed, 3n)])];
    expect(matchInternalTransfers(traces, watched)).toEqual([
      { txHash: "0xt", to: checksummed, index: 2, amount: 2n },
      { txHash: "0xt", to: checksummed, index: 3, amount: 3n },
    ]);
  });

  it("ignores the transaction's own value (index 0 comes from the transaction)", () => {
    expect(matchInternalTransfers([root([], { to: checksummed })], watched)).toEqual([]);
  });

  it("ignores failed frames, what they called, and everything in a failed transaction", () => {
    const undone = call(other, 1n, { error: "execution reverted", calls: [call(checksummed, 2n)] });
    expect(
      matchInternalTransfers([root([undone, call(checksummed, 3n, { error: "out of gas" })])], watched),
    ).toEqual([]);
    expect(matchInternalTransfers([root([call(checksummed, 3n)], { error: "reverted" })], watched)).toEqual(
      [],
    );
  });

  it("ignores frames that move no value of their own", () => {
    const traces = [
      root([call(checksummed, 4n, { type: "DELEGATECALL" }), call(checksummed, 4n, { type: "STATICCALL" })]),
    ];
    expect(matchInternalTransfers(traces, watched)).toEqual([]);
  });
});
