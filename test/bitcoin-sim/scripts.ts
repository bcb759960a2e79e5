import { address, script as bscript, opcodes } from "bitcoinjs-lib";
import { REGTEST } from "./consensus.ts";

/** Output script kinds, named as Bitcoin Core's `GetTxnOutputType` names them. */
export type CoreScriptType =
  | "nonstandard"
  | "anchor"
  | "pubkey"
  | "pubkeyhash"
  | "scripthash"
  | "nulldata"
  | "witness_v0_keyhash"
  | "witness_v0_scripthash"
  | "witness_v1_taproot"
  | "witness_unknown";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Core's `Solver`, for the standard single-key and script-hash templates (bare multisig reads as nonstandard). */
export function coreScriptType(output: Uint8Array): CoreScriptType {
  const [first, second] = output;
  const length = output.length;
  if (
    length === 25 &&
    first === 0x76 &&
    second === 0xa9 &&
    output[2] === 0x14 &&
    output[23] === 0x88 &&
    output[24] === 0xac
  )
    return "pubkeyhash";
  if (length === 23 && first === 0xa9 && second === 0x14 && output[22] === 0x87) return "scripthash";
  if (length === 22 && first === 0x00 && second === 0x14) return "witness_v0_keyhash";
  if (length === 34 && first === 0x00 && second === 0x20) return "witness_v0_scripthash";
  if (length === 34 && first === 0x51 && second === 0x20) return "witness_v1_taproot";
  if (length === 4 && first === 0x51 && second === 0x02 && output[2] === 0x4e && output[3] === 0x73)
    return "anchor";
  if (
    first !== undefined &&
    second !== undefined &&
    first >= 0x51 &&
    first <= 0x60 &&
    length >= 4 &&
    length <= 42 &&
    second === length - 2
  )
    return "witness_unknown";
  if (first === 0x6a) return "nulldata";
  if ((length === 35 && first === 0x21) || (length === 67 && first === 0x41)) {
    if (output[length - 1] === 0xac) return "pubkey";
  }
  return "nonstandard";
}

/** The same kinds as Esplora names them (`scriptpubkey_type`, electrs src/rest.rs). */
export function esploraScriptType(output: Uint8Array): string {
  if (output.length === 0) return "empty";
  switch (coreScriptType(output)) {
    case "nulldata":
      return "op_return";
    case "pubkey":
      return "p2pk";
    case "pubkeyhash":
      return "p2pkh";
    case "scripthash":
      return "p2sh";
    case "witness_v0_keyhash":
      return "v0_p2wpkh";
    case "witness_v0_scripthash":
      return "v0_p2wsh";
    case "witness_v1_taproot":
      return "v1_p2tr";
    default:
      return "unknown";
  }
}

/** The regtest address of an output script, if it has one. */
export function scriptAddress(output: Uint8Array): string | undefined {
  const type = coreScriptType(output);
  if (type === "nonstandard" || type === "nulldata" || type === "pubkey") return undefined;
  try {
    return address.fromOutputScript(output, REGTEST);
  } catch {
    return undefined;
  }
}

/** A raw script split into opcodes with their pushed bytes, keeping the push opcode that was used. */
interface Instruction {
  opcode: number;
  data?: Uint8Array;
}

function instructions(raw: Uint8Array): { steps: Instruction[]; truncated: boolean } {
  const steps: Instruction[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const opcode = raw[offset] as number;
    offset += 1;
    if (opcode > opcodes.OP_PUSHDATA4) {
      steps.push({ opcode });
      continue;
    }
    let size = opcode;
    const widths: Record<number, number> = { 76: 1, 77: 2, 78: 4 };
    const width = widths[opcode];
    if (width !== undefined) {
      if (offset + width > raw.length) return { steps, truncated: true };
      size = Buffer.from(raw.subarray(offset, offset + width)).readUIntLE(0, width);
      offset += width;
    }
    if (offset + size > raw.length) return { steps, truncated: true };
    steps.push({ opcode, data: raw.subarray(offset, offset + size) });
    offset += size;
  }
  return { steps, truncated: false };
}

const OPCODE_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(opcodes)) {
  // a numeric TypeScript enum maps both ways; keep the name -> number half
  if (typeof value === "number" && !OPCODE_NAMES.has(value)) OPCODE_NAMES.set(value, name);
}
OPCODE_NAMES.set(opcodes.OP_CHECKLOCKTIMEVERIFY, "OP_CHECKLOCKTIMEVERIFY");
OPCODE_NAMES.set(opcodes.OP_CHECKSEQUENCEVERIFY, "OP_CHECKSEQUENCEVERIFY");

/** `CScriptNum` of a push of at most four bytes: little endian, sign in the top bit. */
function scriptNumber(data: Uint8Array): bigint {
  if (data.length === 0) return 0n;
  let value = 0n;
  data.forEach((byte, index) => {
    value |= BigInt(byte) << BigInt(8 * index);
  });
  const top = BigInt(data[data.length - 1] as number);
  if (top & 0x80n) return -(value & ~(0x80n << BigInt(8 * (data.length - 1))));
  return value;
}

const SIGHASH_NAMES: Record<number, string> = {
  1: "ALL",
  2: "NONE",
  3: "SINGLE",
  129: "ALL|ANYONECANPAY",
  130: "NONE|ANYONECANPAY",
  131: "SINGLE|ANYONECANPAY",
};

/**
 * Core's `ScriptToAsmStr`: small pushes as numbers, OP_0..OP_16 as digits; with `decodeSignatures` (scriptSig
 * asm) a DER signature shows its sighash type as `[ALL]`.
 */
export function coreAsm(raw: Uint8Array, decodeSignatures = false): string {
  const { steps, truncated } = instructions(raw);
  const words = steps.map(({ opcode, data }) => {
    if (data !== undefined) {
      if (data.length <= 4) return scriptNumber(data).toString();
      const hashType = data[data.length - 1] as number;
      if (decodeSignatures && SIGHASH_NAMES[hashType] && bscript.isCanonicalScriptSignature(data)) {
        return `${hex(data.subarray(0, -1))}[${SIGHASH_NAMES[hashType]}]`;
      }
      return hex(data);
    }
    if (opcode === opcodes.OP_1NEGATE) return "-1";
    if (opcode >= opcodes.OP_1 && opcode <= opcodes.OP_16) return String(opcode - opcodes.OP_1 + 1);
    return OPCODE_NAMES.get(opcode) ?? "OP_UNKNOWN";
  });
  if (truncated) words.push("[error]");
  return words.join(" ");
}

/** rust-bitcoin's `Script::to_asm`, which Esplora serves: explicit push opcodes (`OP_PUSHBYTES_20 <hex>`). */
export function esploraAsm(raw: Uint8Array): string {
  const { steps, truncated } = instructions(raw);
  const words = steps.map(({ opcode, data }) => {
    if (data !== undefined) {
      if (opcode === opcodes.OP_0) return "OP_0";
      const name = opcode <= 0x4b ? `OP_PUSHBYTES_${opcode}` : (OPCODE_NAMES.get(opcode) as string);
      return `${name} ${hex(data)}`;
    }
    if (opcode === opcodes.OP_1NEGATE) return "OP_PUSHNUM_NEG1";
    if (opcode >= opcodes.OP_1 && opcode <= opcodes.OP_16) return `OP_PUSHNUM_${opcode - opcodes.OP_1 + 1}`;
    if (opcode === opcodes.OP_CHECKLOCKTIMEVERIFY) return "OP_CLTV";
    if (opcode === opcodes.OP_CHECKSEQUENCEVERIFY) return "OP_CSV";
    return OPCODE_NAMES.get(opcode) ?? `OP_RETURN_${opcode}`;
  });
  if (truncated) words.push("<push past end>");
  return words.join(" ");
}
