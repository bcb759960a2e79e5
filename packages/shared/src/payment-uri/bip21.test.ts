import { describe, expect, it } from "vitest";
import { bip21Uri } from "./bip21.ts";

const BECH32 = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";

describe("bip21Uri", () => {
  it.each([
    [{ address: BECH32 }, "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"],
    [
      { address: BECH32, amount: "0.00050000" },
      "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.0005",
    ],
    [
      { address: BECH32, amount: "0.0005" },
      "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.0005",
    ],
    [
      { address: BECH32, amount: "1.00000000" },
      "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=1",
    ],
    [
      { address: BECH32, amount: "20.30000000" },
      "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=20.3",
    ],
    [{ address: BECH32, amount: "100" }, "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=100"],
    [
      { address: BECH32, amount: "0.00000001" },
      "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.00000001",
    ],
    [
      { address: BECH32, amount: "0.00000000" },
      "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0",
    ],
    [
      { address: "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", amount: "0.01", label: "Luke-Jr" },
      "bitcoin:1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA?amount=0.01&label=Luke-Jr",
    ],
    [
      {
        address: "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf",
        amount: "20.3",
        label: "Luke-Jr",
        message: "Donation for project xyz",
      },
      "bitcoin:37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf?amount=20.3&label=Luke-Jr&message=Donation%20for%20project%20xyz",
    ],
    [
      { address: BECH32, label: "Café & Co", message: "Order #42 = 50% off? (yes!) a+b/c 'x' *" },
      "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?label=Caf%C3%A9%20%26%20Co&message=Order%20%2342%20%3D%2050%25%20off%3F%20%28yes%21%29%20a%2Bb%2Fc%20%27x%27%20%2A",
    ],
    [{ address: BECH32, message: "" }, "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?message="],
    [
      { address: "BC1QCR8TE4KR609GCAWUTMRZA0J4XV80JY8Z306FYU", amount: "0.5" },
      "bitcoin:BC1QCR8TE4KR609GCAWUTMRZA0J4XV80JY8Z306FYU?amount=0.5",
    ],
    [
      { address: "bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk", amount: "0.00100000" },
      "bitcoin:bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk?amount=0.001",
    ],
  ])("%j -> %s", (input, expected) => {
    expect(bip21Uri(input)).toBe(expected);
  });

  it.each(["", "-1", "1e-3", ".5", "5.", "0.000000001", "1,5", " 1", "01", "NaN", "0x10"])(
    "rejects amount %j",
    (amount) => {
      expect(() => bip21Uri({ address: BECH32, amount })).toThrow(RangeError);
    },
  );

  it.each(["", `${BECH32}?amount=1`, `${BECH32}&label=x`, "bc1 q", "bitcoin:bc1q"])(
    "rejects address %j",
    (address) => {
      expect(() => bip21Uri({ address })).toThrow(RangeError);
    },
  );
});
