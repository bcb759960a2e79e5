/**
 * `/docs`: a plain HTML reference rendered on the server from the OpenAPI document: no scripts, no CDN, so it
 * works offline and behind strict firewalls.
 */
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation> | undefined>;
  webhooks?: Record<string, Record<string, Operation> | undefined>;
  components?: { schemas?: Record<string, unknown> };
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function schemaLink(schema: unknown): string {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (ref) {
    const name = ref.split("/").pop()!;
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  return `<code>${escapeHtml(JSON.stringify(schema ?? {}))}</code>`;
}

function renderOperation(method: string, path: string, operation: Operation): string {
  const parameters = operation.parameters ?? [];
  const parameterRows = parameters
    .map(
      (parameter) =>
        `<tr><td><code>${escapeHtml(parameter.name)}</code></td><td>${escapeHtml(parameter.in)}</td><td>${parameter.required ? "yes" : "no"}</td><td>${schemaLink(parameter.schema)}</td><td>${escapeHtml(parameter.description ?? "")}</td></tr>`,
    )
    .join("");
  const body = operation.requestBody?.content?.["application/json"]?.schema;
  const responses = Object.entries(operation.responses ?? {})
    .map(([status, response]) => {
      const schema = response.content?.["application/json"]?.schema;
      return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(response.description ?? "")}${schema ? ` : ${schemaLink(schema)}` : ""}</li>`;
    })
    .join("");
  return `<section class="op" id="${escapeHtml(operation.operationId ?? `${method}-${path}`)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(operation.summary ?? "")}</p>${operation.description ? `<p class="desc">${escapeHtml(operation.description)}</p>` : ""}
${parameters.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${parameterRows}</table>` : ""}
${body ? `<p>Body: ${schemaLink(body)}</p>` : ""}
<ul>${responses}</ul>
</section>`;
}

export function renderDocsPage(openapi: object): string {
  const document = openapi as Document;
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item ?? {})) {
      const tag = operation.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, operation)]);
    }
  }
  const sections = [...byTag.entries()]
    .map(([tag, operations]) => `<h2>${escapeHtml(tag)}</h2>${operations.join("\n")}`)
    .join("\n");
  const webhooks = Object.entries(document.webhooks ?? {})
    .flatMap(([type, item]) =>
      Object.entries(item ?? {}).map(([method, operation]) => renderOperation(method, type, operation)),
    )
    .join("\n");
  const schemas = Object.entries(document.components?.schemas ?? {})
    .map(
      ([name, schema]) =>
        `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f5f5f7;padding:.75rem;overflow:auto}
.op{border-top:1px solid #ddd;padding:.5rem 0}.method{display:inline-block;min-width:4.5rem;font-size:12px;color:#fff;padding:2px 6px;border-radius:3px;text-align:center}
.get{background:#0a7d32}.post{background:#0b5cad}.patch{background:#a05a00}.delete{background:#b3261e}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}.desc{color:#444}
</style></head><body>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description ?? "")} The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>
<p>Authenticate with <code>Authorization: Bearer sk_...</code>. Errors: <code>{"error":{"type","code","message","param"?}}</code>.</p>
${sections}
<h2>Webhooks</h2>
<p>What paygate POSTs to your endpoints, one entry per event type. Verify the raw body with a Standard Webhooks library before parsing it.</p>
${webhooks}
<h2>Schemas</h2>
${schemas}
</body></html>`;
}
