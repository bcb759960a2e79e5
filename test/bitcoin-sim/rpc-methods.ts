import { Transaction } from "bitcoinjs-lib";
import type { StoredBlock } from "./chain.ts";
import { REGTEST_GENESIS_HASH } from "./consensus.ts";
import { btc } from "./core-json.ts";
import { type RegtestNode, RejectedTransactionError } from "./node.ts";
import {
  blockchainInfoView,
  blockHeaderView,
  blockView,
  mempoolEntryView,
  transactionView,
} from "./rpc-views.ts";

/** A JSON-RPC error with Core's code (src/rpc/protocol.h). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

export const RPC_MISC_ERROR = -1;
export const RPC_TYPE_ERROR = -3;
export const RPC_INVALID_ADDRESS_OR_KEY = -5;
export const RPC_INVALID_PARAMETER = -8;
export const RPC_DESERIALIZATION_ERROR = -22;
export const RPC_VERIFY_ALREADY_IN_CHAIN = -27;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_PARSE_ERROR = -32700;

type ArgType = "number" | "string" | "bool" | "any";

interface ArgSpec {
  /** Core's `m_names`: the name, then aliases after `|` (`verbosity|verbose`). */
  names: string;
  type: ArgType;
  required?: boolean;
}

interface RpcMethod {
  args: ArgSpec[];
  summary: string;
  run(params: unknown[]): unknown;
}

export interface RpcMethodOptions {
  /** Serve confirmed transactions from `getrawtransaction` without a block hash, as `-txindex=1` does. */
  txindex: boolean;
}

/** UniValue's `uvTypeName`. */
function jsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

/** The first line of Core's help text, which it answers with when the argument count is wrong. */
function usage(name: string, method: RpcMethod): string {
  const shown = (arg: ArgSpec) => {
    const first = arg.names.split("|")[0] as string;
    return arg.type === "string" ? `"${first}"` : first;
  };
  const required = method.args.filter((arg) => arg.required).map(shown);
  const optional = method.args.filter((arg) => !arg.required).map(shown);
  const signature = [name, ...required, ...(optional.length > 0 ? [`( ${optional.join(" ")} )`] : [])].join(
    " ",
  );
  return `${signature}\n\n${method.summary}\n`;
}

/** Named parameters to positions (Core's `transformNamedArguments`). */
function positional(method: RpcMethod, params: unknown): unknown[] {
  if (Array.isArray(params)) return params;
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    const position = method.args.findIndex((arg) => arg.names.split("|").includes(key));
    if (position < 0) throw new RpcError(RPC_INVALID_PARAMETER, `Unknown named parameter ${key}`);
    values[position] = value;
  }
  while (values.length > 0 && values[values.length - 1] === undefined) values.pop();
  return Array.from(values, (value) => value ?? null);
}

/** Runs a method the way `RPCHelpMan::HandleRequest` does: argument count, then types, then the method. */
export function executeRpc(methods: Map<string, RpcMethod>, name: string, params: unknown): unknown {
  const method = methods.get(name);
  if (method === undefined) throw new RpcError(RPC_METHOD_NOT_FOUND, "Method not found");
  const values = positional(method, params);
  const requiredCount = method.args.reduce((count, arg, index) => (arg.required ? index + 1 : count), 0);
  if (values.length < requiredCount || values.length > method.args.length) {
    throw new RpcError(RPC_MISC_ERROR, usage(name, method));
  }
  const mismatches: Record<string, string> = {};
  method.args.forEach((arg, index) => {
    const value = values[index];
    const absent = value === undefined || value === null;
    if (arg.type === "any" || (absent && !arg.required)) return;
    if (jsonTypeName(value) !== arg.type) {
      mismatches[`Position ${index + 1} (${arg.names})`] =
        `JSON value of type ${jsonTypeName(value)} is not of expected type ${arg.type}`;
    }
  });
  if (Object.keys(mismatches).length > 0) {
    throw new RpcError(RPC_TYPE_ERROR, `Wrong type passed:\n${JSON.stringify(mismatches, null, 4)}`);
  }
  return method.run(values);
}

/** `ParseHashV`: 64 hex characters. */
function parseHash(value: unknown, name: string): string {
  const text = value as string;
  if (/^[0-9a-fA-F]{64}$/.test(text)) return text.toLowerCase();
  if (text.length !== 64) {
    throw new RpcError(
      RPC_INVALID_PARAMETER,
      `${name} must be of length 64 (not ${text.length}, for '${text}')`,
    );
  }
  throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be hexadecimal string (not '${text}')`);
}

/** `ParseVerbosity`: a number, or a boolean for the older `verbose` flag. */
function parseVerbosity(value: unknown, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new RpcError(
      RPC_MISC_ERROR,
      `JSON value of type ${jsonTypeName(value)} is not of expected type number`,
    );
  }
  return value;
}

function parseInteger(value: unknown): number {
  if (!Number.isInteger(value)) throw new RpcError(RPC_MISC_ERROR, "JSON integer out of range");
  return value as number;
}

/** The methods a watcher needs, with Core v28's arguments, errors and result shapes. */
export function rpcMethods(node: RegtestNode, options: RpcMethodOptions): Map<string, RpcMethod> {
  const blockByHash = (value: unknown, name: string): StoredBlock => {
    const stored = node.chain.blocks.get(parseHash(value, name));
    if (stored === undefined) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
    return stored;
  };

  const methods: Record<string, RpcMethod> = {
    getblockchaininfo: {
      args: [],
      summary: "Returns an object containing various state info regarding blockchain processing.",
      run: () => blockchainInfoView(node),
    },
    getblockcount: {
      args: [],
      summary: "Returns the height of the most-work fully-validated chain.",
      run: () => node.chain.tip.height,
    },
    getbestblockhash: {
      args: [],
      summary: "Returns the hash of the best (tip) block in the most-work fully-validated chain.",
      run: () => node.chain.tip.hash,
    },
    getblockhash: {
      args: [{ names: "height", type: "number", required: true }],
      summary: "Returns hash of block in best-block-chain at height provided.",
      run: ([height]) => {
        const stored = node.chain.active[parseInteger(height)];
        if (stored === undefined) throw new RpcError(RPC_INVALID_PARAMETER, "Block height out of range");
        return stored.hash;
      },
    },
    getblock: {
      args: [
        { names: "blockhash", type: "string", required: true },
        { names: "verbosity|verbose", type: "any" },
      ],
      summary:
        "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\n" +
        "If verbosity is 1, returns an Object with information about block <hash>.\n" +
        "If verbosity is 2, returns an Object with information about block <hash> and information about each transaction.\n" +
        "If verbosity is 3, returns an Object with information about block <hash> and information about each transaction, including prevout information for inputs (only for unpruned blocks in the current best chain).",
      run: ([hash, verbosityArg]) => {
        const stored = blockByHash(hash, "blockhash");
        const verbosity = parseVerbosity(verbosityArg, 1);
        if (verbosity <= 0) return stored.block.toHex();
        return blockView(node, stored, verbosity >= 3 ? 3 : (verbosity as 1 | 2));
      },
    },
    getblockheader: {
      args: [
        { names: "blockhash", type: "string", required: true },
        { names: "verbose", type: "bool" },
      ],
      summary:
        "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\n" +
        "If verbose is true, returns an Object with information about blockheader <hash>.",
      run: ([hash, verbose]) => {
        const stored = blockByHash(hash, "hash");
        return verbose === false ? stored.block.toHex(true) : blockHeaderView(node, stored);
      },
    },
    getrawmempool: {
      args: [
        { names: "verbose", type: "bool" },
        { names: "mempool_sequence", type: "bool" },
      ],
      summary: "Returns all transaction ids in memory pool as a json array of string transaction ids.",
      run: ([verbose, sequence]) => {
        if (verbose === true && sequence === true) {
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            "Verbose results cannot contain mempool sequence values.",
          );
        }
        if (verbose === true) {
          const entries = [...node.mempool.entries.values()];
          return Object.fromEntries(entries.map((entry) => [entry.txid, mempoolEntryView(node, entry)]));
        }
        const txids = node.mempool.txids();
        return sequence === true ? { txids, mempool_sequence: node.mempool.sequence } : txids;
      },
    },
    getmempoolentry: {
      args: [{ names: "txid", type: "string", required: true }],
      summary: "Returns mempool data for given transaction",
      run: ([txid]) => {
        const entry = node.mempool.get(parseHash(txid, "parameter 1"));
        if (entry === undefined) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Transaction not in mempool");
        return mempoolEntryView(node, entry);
      },
    },
    getmempoolinfo: {
      args: [],
      summary: "Returns details on the active state of the TX memory pool.",
      run: () => {
        const entries = [...node.mempool.entries.values()];
        return {
          loaded: true,
          size: entries.length,
          bytes: entries.reduce((sum, entry) => sum + entry.vsize, 0),
          usage: entries.reduce((sum, entry) => sum + entry.weight, 0),
          total_fee: btc(entries.reduce((sum, entry) => sum + entry.fee, 0n)),
          maxmempool: 300_000_000,
          mempoolminfee: btc(1000n),
          minrelaytxfee: btc(1000n),
          incrementalrelayfee: btc(1000n),
          unbroadcastcount: 0,
          fullrbf: true,
        };
      },
    },
    getrawtransaction: {
      args: [
        { names: "txid", type: "string", required: true },
        { names: "verbosity|verbose", type: "any" },
        { names: "blockhash", type: "string" },
      ],
      summary:
        "By default, this call only returns a transaction if it is in the mempool. If -txindex is enabled\n" +
        "and no blockhash argument is passed, it will return the transaction if it is in the mempool or any block.",
      run: ([txidArg, verbosityArg, blockhashArg]) => {
        const txid = parseHash(txidArg, "parameter 1");
        if (txid === node.chain.active[0]?.txids[0] && node.chain.active[0].hash === REGTEST_GENESIS_HASH) {
          throw new RpcError(
            RPC_INVALID_ADDRESS_OR_KEY,
            "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved",
          );
        }
        const verbosity = parseVerbosity(verbosityArg, 0);
        let inBlock: StoredBlock | undefined;
        let tx: Transaction | undefined;
        if (blockhashArg !== null && blockhashArg !== undefined) {
          const blockhash = parseHash(blockhashArg, "parameter 3");
          inBlock = node.chain.blocks.get(blockhash);
          if (inBlock === undefined) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, "Block hash not found");
          const index = inBlock.txids.indexOf(txid);
          if (index < 0) {
            throw new RpcError(
              RPC_INVALID_ADDRESS_OR_KEY,
              "No such transaction found in the provided block. Use gettransaction for wallet transactions.",
            );
          }
          tx = inBlock.transactions[index];
        } else {
          tx = node.mempool.get(txid)?.tx;
          if (tx === undefined && options.txindex) {
            const location = node.chain.location(txid);
            inBlock = location?.block;
            tx = location?.block.transactions[location.index];
          }
          if (tx === undefined) {
            const reason = options.txindex
              ? "No such mempool or blockchain transaction"
              : "No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries";
            throw new RpcError(
              RPC_INVALID_ADDRESS_OR_KEY,
              `${reason}. Use gettransaction for wallet transactions.`,
            );
          }
        }
        if (verbosity <= 0) return (tx as Transaction).toHex();
        const withPrevouts = verbosity >= 2 && inBlock !== undefined && !(tx as Transaction).isCoinbase();
        const view = transactionView(node, tx as Transaction, withPrevouts ? "prevouts" : "summary");
        if (inBlock === undefined) return view;
        const active = node.chain.isActive(inBlock);
        return {
          in_active_chain: blockhashArg === null || blockhashArg === undefined ? undefined : active,
          ...view,
          blockhash: inBlock.hash,
          confirmations: active ? node.chain.confirmations(inBlock) : 0,
          time: active ? inBlock.block.timestamp : undefined,
          blocktime: active ? inBlock.block.timestamp : undefined,
        };
      },
    },
    sendrawtransaction: {
      args: [
        { names: "hexstring", type: "string", required: true },
        { names: "maxfeerate", type: "any" },
        { names: "maxburnamount", type: "any" },
      ],
      summary: "Submit a raw transaction (serialized, hex-encoded) to local node and network.",
      run: ([hexstring]) => {
        let tx: Transaction;
        try {
          tx = Transaction.fromHex(hexstring as string);
        } catch {
          throw new RpcError(
            RPC_DESERIALIZATION_ERROR,
            "TX decode failed. Make sure the tx has at least one input.",
          );
        }
        const txid = tx.getId();
        if (node.mempool.has(txid)) return txid;
        if (node.chain.location(txid)) {
          throw new RpcError(RPC_VERIFY_ALREADY_IN_CHAIN, "Transaction outputs already in utxo set");
        }
        try {
          return node.acceptToMempool(tx).txid;
        } catch (error) {
          if (error instanceof RejectedTransactionError) throw new RpcError(error.rpcCode, error.reason);
          throw error;
        }
      },
    },
    getnetworkinfo: {
      args: [],
      summary: "Returns an object containing various state info regarding P2P networking.",
      run: () => ({
        version: 280000,
        subversion: "/Satoshi:28.0.0/",
        protocolversion: 70016,
        localservices: "0000000000000c09",
        localservicesnames: ["NETWORK", "WITNESS", "NETWORK_LIMITED", "P2P_V2"],
        localrelay: true,
        timeoffset: 0,
        networkactive: true,
        connections: 0,
        connections_in: 0,
        connections_out: 0,
        networks: [],
        relayfee: btc(1000n),
        incrementalfee: btc(1000n),
        localaddresses: [],
        warnings: [],
      }),
    },
  };
  return new Map(Object.entries(methods));
}
