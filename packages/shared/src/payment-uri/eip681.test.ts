import { describe, expect, it } from "vitest";
import { eip681Uri } from "./eip681.ts";

const TO = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";

describe("eip681Uri", () => {
  it.each([
    [
      { chainId: 1, to: TO, amount: 10n ** 18n },
      "ethereum:0x70997970C51812dc3A010C7d01b50e0d17dc79C8@1?value=1000000000000000000",
    ],
    [
      { chainId: 31337, to: TO, amount: 33_333_333_333_333_334n },
      "ethereum:0x70997970C51812dc3A010C7d01b50e0d17dc79C8@31337?value=33333333333333334",
    ],
    [
      { chainId: 8453, to: TO, amount: 0n },
      "ethereum:0x70997970C51812dc3A010C7d01b50e0d17dc79C8@8453?value=0",
    ],
    [
      { chainId: 1, to: TO, amount: 2n ** 256n - 1n },
      "ethereum:0x70997970C51812dc3A010C7d01b50e0d17dc79C8@1?value=115792089237316195423570985008687907853269984665640564039457584007913129639935",
    ],
    [
      { chainId: 8453, to: TO, amount: 49_000_000n, token: USDC_BASE },
      "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address=0x70997970C51812dc3A010C7d01b50e0d17dc79C8&uint256=49000000",
    ],
    [
      { chainId: 137, to: TO, amount: 1n, token: USDC_BASE },
      "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@137/transfer?address=0x70997970C51812dc3A010C7d01b50e0d17dc79C8&uint256=1",
    ],
  ] as const)("%o -> %s", (input, expected) => {
    expect(eip681Uri(input)).toBe(expected);
  });

  it("never writes an exponent, however large the amount", () => {
    const uri = eip681Uri({ chainId: 1, to: TO, amount: 10n ** 30n });
    expect(uri).toBe(`ethereum:${TO}@1?value=1${"0".repeat(30)}`);
    expect(uri.split("value=")[1]).toMatch(/^\d+$/);
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53])("rejects chainId %s", (chainId) => {
    expect(() => eip681Uri({ chainId, to: TO, amount: 1n })).toThrow(RangeError);
  });

  it("rejects a negative amount", () => {
    expect(() => eip681Uri({ chainId: 1, to: TO, amount: -1n })).toThrow(RangeError);
  });

  it.each(["0x", "0x1234", `${TO}00`, TO.slice(2), `0x${"g".repeat(40)}`, `${TO}?value=1`])(
    "rejects address %s as recipient and as token",
    (address) => {
      expect(() => eip681Uri({ chainId: 1, to: address as `0x${string}`, amount: 1n })).toThrow(RangeError);
      expect(() => eip681Uri({ chainId: 1, to: TO, amount: 1n, token: address as `0x${string}` })).toThrow(
        RangeError,
      );
    },
  );
});
