// Deno peer of system 001 (OpenAI-compatible chat proxy, CONTRACTS §2) with persistence off
// (PERSIST_TRANSCRIPTS=false, the seed's default): what the original Express backend (qduc/chat,
// backend/) does per request, on Deno.serve: request id, cf_session_id cookie, request:start/end
// JSON logs, the in-memory per-IP sliding-window limiter (X-Forwarded-For under TRUST_PROXY=1, as
// Express's `trust proxy`), body rewrite (drop the UI's fields, default model, gpt-5-only fields),
// then the upstream call; a 2xx JSON answer is returned as the upstream sent it (res.json).
// Measured: non-streaming POST /v1/chat/completions.
const port = Number(Deno.env.get("PORT") ?? "3001");
const env = (k: string) => { const v = Deno.env.get(k)?.trim(); return v ? v : undefined; };
let base = env("PROVIDER_BASE_URL") ?? env("OPENAI_BASE_URL") ?? "https://api.openai.com/v1";
base = base.replace(/\/+$/, "").replace(/\/v1$/, "");
const upstreamURL = `${base}/v1/chat/completions`;
const apiKey = env("PROVIDER_API_KEY") ?? env("OPENAI_API_KEY");
const defaultModel = env("DEFAULT_MODEL") ?? "gpt-4.1-mini";
const windowMs = Number(env("RATE_LIMIT_WINDOW_SEC") ?? "60") * 1000;
const maxRequests = Number(env("RATE_LIMIT_MAX") ?? "50");
const allowedOrigin = env("ALLOWED_ORIGIN") ?? "http://localhost:3000";
const trustProxy = ["1", "true", "yes", "on"].includes((env("TRUST_PROXY") ?? "").toLowerCase());
const UI_FIELDS = ["conversation_id", "streamingEnabled", "toolsEnabled", "researchMode", "qualityLevel"];

const hits = new Map<string, number[]>();
setInterval(() => { const cut = Date.now() - windowMs; for (const [k, v] of hits) if (!v.some((t) => t > cut)) hits.delete(k); }, 60_000);

function rateLimit(ip: string): { allowed: boolean; remaining: number } {
  const now = Date.now();
  const log = (hits.get(ip) ?? []).filter((t) => t > now - windowMs);
  if (log.length >= maxRequests) { hits.set(ip, log); return { allowed: false, remaining: 0 }; }
  log.push(now);
  hits.set(ip, log);
  return { allowed: true, remaining: Math.max(0, maxRequests - log.length) };
}

Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, async (req, info) => {
  const started = performance.now();
  const requestId = req.headers.get("x-request-id") || crypto.randomUUID();
  const h = new Headers({ "x-request-id": requestId, vary: "Origin",
    "access-control-allow-methods": "GET,POST,PUT,DELETE,OPTIONS",
    "access-control-allow-headers": "Content-Type, Accept, Authorization, x-session-id",
    "access-control-expose-headers": "x-request-id, x-ratelimit-limit, x-ratelimit-remaining, retry-after",
    "access-control-allow-credentials": "true" });
  if (req.headers.get("origin") === allowedOrigin) h.set("access-control-allow-origin", allowedOrigin);
  const cookie = /(?:^|;\s*)cf_session_id=([^;]+)/.exec(req.headers.get("cookie") ?? "")?.[1];
  const sessionId = req.headers.get("x-session-id") || cookie || crypto.randomUUID();
  if (!cookie) h.append("set-cookie", `cf_session_id=${sessionId}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`);
  const xff = trustProxy ? req.headers.get("x-forwarded-for")?.split(",")[0].trim() : undefined;
  const ip = xff || (info.remoteAddr as Deno.NetAddr).hostname;
  const url = new URL(req.url);
  console.log(JSON.stringify({ level: "info", msg: "request:start", method: req.method, path: url.pathname, sessionId, ip, requestId }));
  const send = (status: number, body: unknown) => {
    h.set("content-type", "application/json; charset=utf-8");
    console.log(JSON.stringify({ level: "info", msg: "request:end", status, durationMs: performance.now() - started, sessionId, requestId }));
    return new Response(JSON.stringify(body), { status, headers: h });
  };
  if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: h });
  const rl = rateLimit(ip);
  h.set("x-ratelimit-limit", String(maxRequests));
  h.set("x-ratelimit-remaining", String(rl.remaining));
  if (!rl.allowed) { h.set("retry-after", String(windowMs / 1000)); return send(429, { error: "rate_limit_exceeded", remaining: 0 }); }
  if (url.pathname !== "/v1/chat/completions" || req.method !== "POST") return send(404, { error: "not_found" });

  let body: Record<string, unknown>;
  try { body = await req.json(); } catch { return send(400, { error: "invalid_request_error", message: "Malformed JSON body" }); }
  if (!body || typeof body !== "object" || Array.isArray(body)) return send(400, { error: "invalid_request_error", message: "Body must be a JSON object" });
  for (const f of UI_FIELDS) delete body[f];
  if (!body.model) body.model = defaultModel;
  if (!String(body.model).startsWith("gpt-5")) { delete body.reasoning_effort; delete body.verbosity; }
  if (body.stream) return send(501, { error: "not_implemented", message: "streaming is not part of this peer" });

  let upstream: Response;
  try {
    upstream = await fetch(upstreamURL, { method: "POST", body: JSON.stringify(body),
      headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } });
  } catch (e) {
    return send(502, { error: "upstream_error", message: String(e) });
  }
  const text = await upstream.text();
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return send(upstream.status >= 400 ? upstream.status : 502, { error: "upstream_error", message: text }); }
  console.log(JSON.stringify({ level: "info", msg: "request:end", status: upstream.status, durationMs: performance.now() - started, sessionId, requestId }));
  h.set("content-type", upstream.headers.get("content-type") ?? "application/json; charset=utf-8");
  return new Response(JSON.stringify(parsed), { status: upstream.status, headers: h });
});
