import type { BitcoinSim } from "./sim.ts";

/** A raw JSON-RPC POST to the simulator: status, headers and body text, for protocol-level assertions. */
export async function postRpc(
  sim: BitcoinSim,
  body: unknown,
  credentials: string | null = `${sim.rpc.user}:${sim.rpc.password}`,
): Promise<{ status: number; text: string; headers: Headers }> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (credentials !== null) headers.Authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  const response = await fetch(sim.rpc.url, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Calls one method (JSON-RPC 2.0) and returns its result, or throws the RPC error as `{ code, message }`. */
// biome-ignore lint/suspicious/noExplicitAny: results are JSON of many shapes, checked by the tests' assertions
export async function callRpc(sim: BitcoinSim, method: string, params: unknown = []): Promise<any> {
  const { text } = await postRpc(sim, { jsonrpc: "2.0", id: method, method, params });
  const reply = JSON.parse(text);
  if (reply.error) throw reply.error;
  return reply.result;
}

/** GET on the Esplora API: status, content type, and the body as text and bytes. */
export async function getEsplora(
  sim: BitcoinSim,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; contentType: string | null; text: string; bytes: Uint8Array }> {
  const response = await fetch(`${sim.esplora.url}${path}`, init);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    text: Buffer.from(bytes).toString("utf8"),
    bytes,
  };
}
