import { withChecksum } from "@paygate/shared";
import { coreScriptType, scriptAddress } from "./scripts.ts";

/** Core's `InferDescriptor` for an output script nothing is known about (the `desc` field of `scriptPubKey`). */
export function inferDescriptor(output: Uint8Array): string {
  const hex = Buffer.from(output).toString("hex");
  const type = coreScriptType(output);
  if (type === "pubkey") return withChecksum(`pk(${hex.slice(2, -2)})`);
  if (type === "witness_v1_taproot") return withChecksum(`rawtr(${hex.slice(4)})`);
  const address = scriptAddress(output);
  return withChecksum(address === undefined ? `raw(${hex})` : `addr(${address})`);
}
