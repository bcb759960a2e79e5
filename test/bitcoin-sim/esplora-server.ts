import type { ServerResponse } from "node:http";
import { address, networks, Transaction } from "bitcoinjs-lib";
import { REGTEST } from "./consensus.ts";
import { Endpoint, type ServerControl } from "./endpoint.ts";
import {
  chainHistory,
  esploraBlock,
  esploraStatus,
  esploraTransaction,
  mempoolHistory,
  scriptStats,
  scriptUtxos,
} from "./esplora-views.ts";
import { type RegtestNode, RejectedTransactionError } from "./node.ts";

// electrs src/rest.rs page sizes.
const CHAIN_TXS_PER_PAGE = 25;
const MAX_MEMPOOL_TXS = 50;
const BLOCK_LIMIT = 10;

/** A fixed-window request budget; past it the server answers 429, as mempool.space's public API does. */
export interface RateLimit {
  maxRequests: number;
  windowMs: number;
}

export interface EsploraControl extends ServerControl {
  /** Starts (or, with null, stops) answering 429 past `maxRequests` per window. */
  setRateLimit(limit: RateLimit | null): void;
}

/** An error answer as electrs writes it: a status and a plain-text message. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (message: string) => new HttpError(404, message);
const badRequest = (message: string) => new HttpError(400, message);

/** `BlockHash::from_str` / `Txid::from_str`: anything but 64 hex digits is "Invalid hex string". */
function parseHash(text: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw badRequest("Invalid hex string");
  return text.toLowerCase();
}

/** `str::parse::<usize>`. */
function parseIndex(text: string): number {
  if (!/^\+?[0-9]+$/.test(text)) throw badRequest("Invalid number");
  return Number(text);
}

function scriptHexOf(destination: string): string {
  try {
    return Buffer.from(address.toOutputScript(destination, REGTEST)).toString("hex");
  } catch {
    for (const network of [networks.bitcoin, networks.testnet]) {
      try {
        address.toOutputScript(destination, network);
        throw badRequest("Address on invalid network");
      } catch (error) {
        if (error instanceof HttpError) throw error;
      }
    }
    throw badRequest(`invalid address ${destination}`);
  }
}

type Reply =
  | { kind: "text"; body: string }
  | { kind: "json"; body: unknown }
  | { kind: "binary"; body: Uint8Array };

const text = (body: string): Reply => ({ kind: "text", body });
const json = (body: unknown): Reply => ({ kind: "json", body });

interface Route {
  method: "GET" | "POST";
  /** Segments; `:name` matches any one segment, `:name?` an optional last one. */
  pattern: string;
  answer(params: Record<string, string | undefined>, body: Buffer): Reply;
}

function matchRoute(route: Route, method: string, segments: string[]) {
  if (route.method !== method) return undefined;
  const parts = route.pattern.split("/").slice(1);
  const optionalLast = parts[parts.length - 1]?.endsWith("?") ?? false;
  const minimum = optionalLast ? parts.length - 1 : parts.length;
  if (segments.length < minimum || segments.length > parts.length) return undefined;
  const params: Record<string, string | undefined> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index];
    if (part.startsWith(":")) params[part.slice(1).replace("?", "")] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/**
 * Esplora's HTTP API (electrs REST) over the simulated node. Like electrs, it knows the best chain only: stale
 * blocks answer 404, and transactions only in the mempool or on the best chain exist.
 */
export async function startEsploraServer(node: RegtestNode): Promise<Endpoint & EsploraControl> {
  const blockOnBestChain = (hashText: string | undefined) => {
    const stored = node.chain.blocks.get(parseHash(hashText as string));
    if (stored === undefined || !node.chain.isActive(stored)) throw notFound("Block not found");
    return stored;
  };
  const findTransaction = (txidText: string | undefined): Transaction => {
    const txid = parseHash(txidText as string);
    const location = node.chain.location(txid);
    const tx = location ? location.block.transactions[location.index] : node.mempool.get(txid)?.tx;
    if (tx === undefined) throw notFound("Transaction not found");
    return tx;
  };

  const routes: Route[] = [
    { method: "GET", pattern: "/blocks/tip/hash", answer: () => text(node.chain.tip.hash) },
    { method: "GET", pattern: "/blocks/tip/height", answer: () => text(String(node.chain.tip.height)) },
    {
      method: "GET",
      pattern: "/blocks/:start_height?",
      answer: ({ start_height }) => {
        const parsed =
          start_height !== undefined && /^[0-9]+$/.test(start_height) ? Number(start_height) : undefined;
        const start = parsed === undefined ? node.chain.tip : node.chain.active[parsed];
        if (start === undefined) throw notFound("Block not found");
        return json(
          node.chain.active
            .slice(Math.max(0, start.height - BLOCK_LIMIT + 1), start.height + 1)
            .reverse()
            .map(esploraBlock),
        );
      },
    },
    {
      method: "GET",
      pattern: "/block-height/:height",
      answer: ({ height }) => {
        const stored = node.chain.active[parseIndex(height as string)];
        if (stored === undefined) throw notFound("Block not found");
        return text(stored.hash);
      },
    },
    {
      method: "GET",
      pattern: "/block/:hash",
      answer: ({ hash }) => json(esploraBlock(blockOnBestChain(hash))),
    },
    {
      method: "GET",
      pattern: "/block/:hash/status",
      answer: ({ hash }) => {
        const stored = node.chain.blocks.get(parseHash(hash as string));
        if (stored === undefined || !node.chain.isActive(stored)) return json({ in_best_chain: false });
        return json({
          in_best_chain: true,
          height: stored.height,
          next_best: node.chain.nextOnActiveChain(stored)?.hash ?? null,
        });
      },
    },
    {
      method: "GET",
      pattern: "/block/:hash/txids",
      answer: ({ hash }) => json(blockOnBestChain(hash).txids),
    },
    {
      method: "GET",
      pattern: "/block/:hash/header",
      answer: ({ hash }) => text(blockOnBestChain(hash).block.toHex(true)),
    },
    {
      method: "GET",
      pattern: "/block/:hash/raw",
      answer: ({ hash }) => ({ kind: "binary", body: blockOnBestChain(hash).block.toBuffer() }),
    },
    {
      method: "GET",
      pattern: "/block/:hash/txid/:index",
      answer: ({ hash, index }) => {
        const stored = blockOnBestChain(hash);
        const txid = stored.txids[parseIndex(index as string)];
        if (txid === undefined) throw notFound("tx index out of range");
        return text(txid);
      },
    },
    {
      method: "GET",
      pattern: "/block/:hash/txs/:start_index?",
      answer: ({ hash, start_index }) => {
        const stored = blockOnBestChain(hash);
        const start = start_index !== undefined && /^[0-9]+$/.test(start_index) ? Number(start_index) : 0;
        if (start % CHAIN_TXS_PER_PAGE !== 0)
          throw badRequest(`start index must be a multiple of ${CHAIN_TXS_PER_PAGE}`);
        if (start >= stored.transactions.length) throw badRequest("start index out of range");
        const page = stored.transactions.slice(start, start + CHAIN_TXS_PER_PAGE);
        return json(page.map((tx) => esploraTransaction(node, tx)));
      },
    },
    {
      method: "GET",
      pattern: "/address/:address",
      answer: ({ address: destination }) => {
        const scriptHex = scriptHexOf(destination as string);
        return json({
          address: destination,
          chain_stats: scriptStats(node, chainHistory(node, scriptHex), scriptHex),
          mempool_stats: scriptStats(node, mempoolHistory(node, scriptHex), scriptHex),
        });
      },
    },
    {
      method: "GET",
      pattern: "/address/:address/txs",
      answer: ({ address: destination }) => {
        const scriptHex = scriptHexOf(destination as string);
        const txs = [
          ...mempoolHistory(node, scriptHex).slice(0, MAX_MEMPOOL_TXS),
          ...chainHistory(node, scriptHex).slice(0, CHAIN_TXS_PER_PAGE),
        ];
        return json(txs.map((tx) => esploraTransaction(node, tx)));
      },
    },
    {
      method: "GET",
      pattern: "/address/:address/txs/chain/:last_seen_txid?",
      answer: ({ address: destination, last_seen_txid }) => {
        const history = chainHistory(node, scriptHexOf(destination as string));
        let start = 0;
        if (last_seen_txid !== undefined) {
          const seen = history.findIndex((tx) => tx.getId() === last_seen_txid);
          start = seen < 0 ? history.length : seen + 1;
        }
        return json(
          history.slice(start, start + CHAIN_TXS_PER_PAGE).map((tx) => esploraTransaction(node, tx)),
        );
      },
    },
    {
      method: "GET",
      pattern: "/address/:address/txs/mempool",
      answer: ({ address: destination }) => {
        const txs = mempoolHistory(node, scriptHexOf(destination as string)).slice(0, MAX_MEMPOOL_TXS);
        return json(txs.map((tx) => esploraTransaction(node, tx)));
      },
    },
    {
      method: "GET",
      pattern: "/address/:address/utxo",
      answer: ({ address: destination }) => json(scriptUtxos(node, scriptHexOf(destination as string))),
    },
    {
      method: "GET",
      pattern: "/tx/:txid",
      answer: ({ txid }) => json(esploraTransaction(node, findTransaction(txid))),
    },
    { method: "GET", pattern: "/tx/:txid/hex", answer: ({ txid }) => text(findTransaction(txid).toHex()) },
    {
      method: "GET",
      pattern: "/tx/:txid/raw",
      answer: ({ txid }) => ({ kind: "binary", body: findTransaction(txid).toBuffer() }),
    },
    // electrs answers any well-formed txid, unknown ones as unconfirmed.
    {
      method: "GET",
      pattern: "/tx/:txid/status",
      answer: ({ txid }) => json(esploraStatus(node, parseHash(txid as string))),
    },
    {
      method: "POST",
      pattern: "/tx",
      answer: (_params, body) => {
        let tx: Transaction;
        try {
          tx = Transaction.fromHex(body.toString("utf8").trim());
        } catch {
          throw badRequest(
            'sendrawtransaction RPC error: {"code":-22,"message":"TX decode failed. Make sure the tx has at least one input."}',
          );
        }
        if (node.mempool.has(tx.getId())) return text(tx.getId());
        try {
          return text(node.acceptToMempool(tx).txid);
        } catch (error) {
          if (!(error instanceof RejectedTransactionError)) throw error;
          throw badRequest(
            `sendrawtransaction RPC error: ${JSON.stringify({ code: error.rpcCode, message: error.reason })}`,
          );
        }
      },
    },
    {
      method: "GET",
      pattern: "/mempool",
      answer: () => {
        const entries = [...node.mempool.entries.values()];
        return json({
          count: entries.length,
          vsize: entries.reduce((sum, entry) => sum + entry.vsize, 0),
          total_fee: Number(entries.reduce((sum, entry) => sum + entry.fee, 0n)),
          fee_histogram: entries
            .map((entry) => [Number(entry.fee) / entry.vsize, entry.vsize])
            .sort((a, b) => (b[0] as number) - (a[0] as number)),
        });
      },
    },
    { method: "GET", pattern: "/mempool/txids", answer: () => json(node.mempool.txids()) },
    {
      method: "GET",
      pattern: "/mempool/recent",
      answer: () =>
        json(
          [...node.mempool.entries.values()]
            .slice(-10)
            .reverse()
            .map((entry) => ({
              txid: entry.txid,
              fee: Number(entry.fee),
              vsize: entry.vsize,
              value: Number(entry.tx.outs.reduce((sum, output) => sum + output.value, 0n)),
            })),
        ),
    },
    // Regtest has no fee history: Core's estimatesmartfee finds no data, so electrs serves an empty map.
    { method: "GET", pattern: "/fee-estimates", answer: () => json({}) },
  ];

  let rateLimit: RateLimit | null = null;
  let window = { startedAt: 0, requests: 0 };
  const overBudget = () => {
    if (rateLimit === null) return false;
    const now = Date.now();
    if (now - window.startedAt >= rateLimit.windowMs) window = { startedAt: now, requests: 0 };
    window.requests += 1;
    return window.requests > rateLimit.maxRequests;
  };

  const endpoint = await Endpoint.start(
    {
      unavailable: (response) => writeText(response, 503, "Service Unavailable"),
      serve: (request, body, response, count) => {
        const url = new URL(request.url ?? "/", "http://esplora.invalid");
        const segments = url.pathname.split("/").slice(1);
        const method = request.method ?? "GET";
        let matched: { route: Route; params: Record<string, string | undefined> } | undefined;
        for (const route of routes) {
          const params = matchRoute(route, method, segments);
          if (params !== undefined) {
            matched = { route, params };
            break;
          }
        }
        count(matched ? `${matched.route.method} ${matched.route.pattern}` : "unmatched");
        if (overBudget()) {
          response
            .writeHead(429, { "Content-Type": "text/plain", "Retry-After": "1" })
            .end("Too Many Requests");
          return;
        }
        try {
          if (matched === undefined)
            throw notFound(`endpoint does not exist ${JSON.stringify(url.pathname)}`);
          const reply = matched.route.answer(matched.params, body);
          if (reply.kind === "text") writeText(response, 200, reply.body);
          else if (reply.kind === "json") {
            response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(reply.body));
          } else {
            response.writeHead(200, { "Content-Type": "application/octet-stream" }).end(reply.body);
          }
        } catch (error) {
          if (!(error instanceof HttpError)) throw error;
          writeText(response, error.status, error.message);
        }
      },
    },
    "",
  );
  return Object.assign(endpoint, {
    setRateLimit(limit: RateLimit | null) {
      rateLimit = limit;
      window = { startedAt: 0, requests: 0 };
    },
  });
}

function writeText(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "Content-Type": "text/plain" }).end(body);
}
