import {
  type Abi,
  type Address,
  concatHex,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  getContractAddress,
  type Hex,
  zeroHash,
} from "viem";
import artifact from "./sweeper-artifact.json" with { type: "json" };

/** Arachnid's deterministic deployment proxy: at this address on a fresh Anvil and on most public chains. */
export const DEPLOYMENT_PROXY: Address = "0x4e59b44847b379578588920cA78FbF26c0B4956C";
/**
 * The proxy's presigned deployment (github.com/Arachnid/deterministic-deployment-proxy): fund the signer
 * 0x3fab184622dc19b6109349b94811493bf2a45362 with 0.01 ETH, then broadcast this raw transaction. It has no
 * chain id (pre-EIP-155), so chains that refuse such transactions need the proxy deployed by other means.
 */
export const DEPLOYMENT_PROXY_PRESIGNED =
  "0xf8a58085174876e800830186a08080b853604580600e600039806000f350fe7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf31ba02222222222222222222222222222222222222222222222222222222222222222a02222222222222222222222222222222222222222222222222222222222222222";

export const sweeperAbi = artifact.abi as Abi;
const SALT = zeroHash;
/** EIP-7702: a delegated account's code is this prefix followed by the delegate's address. */
const DELEGATION_PREFIX = "0xef0100";

function initCode(treasury: Address): Hex {
  return concatHex([artifact.bytecode as Hex, encodeAbiParameters([{ type: "address" }], [treasury])]);
}

/** The one Sweeper of a treasury, the same on every chain with the proxy. */
export function sweeperAddress(treasury: Address): Address {
  return getContractAddress({
    opcode: "CREATE2",
    from: DEPLOYMENT_PROXY,
    salt: SALT,
    bytecode: initCode(treasury),
  });
}

/** Calldata for the proxy: the salt, then the init code. */
export function sweeperDeployData(treasury: Address): Hex {
  return concatHex([SALT, initCode(treasury)]);
}

export function sweepManyData(accounts: readonly Address[], tokens: readonly Address[]): Hex {
  return encodeFunctionData({ abi: sweeperAbi, functionName: "sweepMany", args: [accounts, tokens] });
}

export function sweepData(tokens: readonly Address[]): Hex {
  return encodeFunctionData({ abi: sweeperAbi, functionName: "sweep", args: [tokens] });
}

/** The delegate named by an account's code, or null when the code is not an EIP-7702 delegation. */
export function delegateOf(code: Hex | undefined): Address | null {
  if (!code || code.length !== 2 + 46 || !code.toLowerCase().startsWith(DELEGATION_PREFIX)) return null;
  return getAddress(`0x${code.slice(8)}`);
}
