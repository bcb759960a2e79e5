import { Block, networks, opcodes, script, Transaction } from "bitcoinjs-lib";

/** Regtest consensus and default relay policy, as Bitcoin Core's `CRegTestParams` sets them (src/kernel/chainparams.cpp). */
export const REGTEST = networks.regtest;
/** The regtest proof-of-work limit: half of all hashes meet it, so a block needs about two tries. */
export const REGTEST_BITS = 0x207fffff;
export const SUBSIDY_HALVING_INTERVAL = 150;
export const COINBASE_MATURITY = 100;
/** Blocks mined by Core's `generatetoaddress` signal BIP9 with no deployment bits set. */
export const BLOCK_VERSION = 0x20000000;
export const MAX_MONEY = 21_000_000n * 100_000_000n;
/** `-minrelaytxfee` and `-incrementalrelayfee` defaults: 1 sat/vB. */
export const MIN_RELAY_FEE_RATE = 1;
/** BIP125 sequence threshold: an input below it signals replaceability. */
export const MAX_BIP125_RBF_SEQUENCE = 0xfffffffd;

export function blockSubsidy(height: number): bigint {
  const halvings = Math.floor(height / SUBSIDY_HALVING_INTERVAL);
  return halvings >= 64 ? 0n : (50n * 100_000_000n) >> BigInt(halvings);
}

/** The 256-bit target a compact `bits` value encodes. */
export function targetFromBits(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  return exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
}

/** Core's `GetBlockProof`: expected hashes to find a block at this target. */
export function blockProof(bits: number): bigint {
  const target = targetFromBits(bits);
  return ((1n << 256n) - 1n - target) / (target + 1n) + 1n;
}

/** Core's `GetDifficulty`: the float ratio to the mainnet limit, computed the same way. */
export function difficulty(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let value = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    value *= 256;
    shift++;
  }
  while (shift > 29) {
    value /= 256;
    shift--;
  }
  return value;
}

const GENESIS_MESSAGE = "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks";
const GENESIS_OUTPUT_KEY =
  "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f";

/**
 * Regtest's genesis block, byte for byte (hash 0f9188f1…2206): the mainnet coinbase with regtest's time,
 * bits and nonce. Its output is not in the UTXO set, as in Core.
 */
export function genesisBlock(): Block {
  const coinbase = new Transaction();
  coinbase.version = 1;
  coinbase.addInput(
    new Uint8Array(32),
    0xffffffff,
    0xffffffff,
    // Raw bytes: script.compile would shorten the one-byte push of 0x04 to OP_4 (BIP62 minimal push).
    Uint8Array.from([
      0x04,
      0xff,
      0xff,
      0x00,
      0x1d,
      0x01,
      0x04,
      0x45,
      ...new TextEncoder().encode(GENESIS_MESSAGE),
    ]),
  );
  coinbase.addOutput(
    script.compile([Uint8Array.from(Buffer.from(GENESIS_OUTPUT_KEY, "hex")), opcodes.OP_CHECKSIG]),
    50n * 100_000_000n,
  );
  const block = new Block();
  block.version = 1;
  block.prevHash = new Uint8Array(32);
  block.timestamp = 1296688602;
  block.bits = REGTEST_BITS;
  block.nonce = 2;
  block.transactions = [coinbase];
  block.merkleRoot = Block.calculateMerkleRoot(block.transactions);
  return block;
}

export const REGTEST_GENESIS_HASH = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";

/** Core's `GetDustThreshold` at the default 3 sat/vB dust relay fee. */
export function dustThreshold(script: Uint8Array): bigint {
  if (script[0] === 0x6a) return 0n;
  const outputSize = 8 + 1 + script.length;
  const version = script[0] as number;
  const isWitnessProgram =
    script.length >= 4 &&
    script.length <= 42 &&
    script[1] === script.length - 2 &&
    (version === 0 || (version >= 0x51 && version <= 0x60));
  const spendSize = isWitnessProgram ? 32 + 4 + 1 + Math.floor(107 / 4) + 4 : 148;
  return BigInt((outputSize + spendSize) * 3);
}
