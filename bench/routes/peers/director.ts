// Deno peer of system 000 (Director extension backend, CONTRACTS §1): what its authors' Vercel
// functions (api/sessions/[sessionId].js on Upstash Redis) become on Deno.serve + Deno KV, with
// swift-edge's key layout: ["director","session",id] -> {updatedAt, state}, TTL SESSION_TTL_SEC.
// Only the routes bench/routes measures (sessions GET/PUT/DELETE, health) plus CORS and the key check.
const port = Number(Deno.env.get("PORT") ?? "8000");
const kv = await Deno.openKv(Deno.env.get("DENO_KV_PATH"));
const ttlMs = Number(Deno.env.get("SESSION_TTL_SEC") ?? "259200") * 1000;
const apiKey = (Deno.env.get("BACKEND_API_KEY") ?? "").trim();
const idPattern = /^[a-zA-Z0-9_-]{1,64}$/;

const cors: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET,PUT,DELETE,OPTIONS",
  "access-control-allow-headers": "Content-Type, X-Api-Key",
  "access-control-max-age": "86400",
};

function json(body: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...cors, ...extra },
  });
}
const empty = (status: number) => new Response(null, { status, headers: cors });

type SessionRecord = { updatedAt: number; state: Record<string, unknown> };

async function session(req: Request, id: string): Promise<Response> {
  if (!idPattern.test(id)) return json({ error: "Invalid session id" }, 400);
  const key = ["director", "session", id];
  if (req.method === "GET") {
    const entry = await kv.get<SessionRecord>(key);
    if (!entry.value) return json({ error: "Session not found" }, 404);
    return json({ sessionId: id, updatedAt: entry.value.updatedAt, state: entry.value.state });
  }
  if (req.method === "PUT") {
    let body: unknown;
    try { body = await req.json(); } catch { body = null; }
    const state = (body as { state?: unknown } | null)?.state;
    if (!body || typeof body !== "object" || Array.isArray(body) || !state || typeof state !== "object" || Array.isArray(state)) {
      return json({ error: 'Body must include object in field "state"' }, 400);
    }
    const savedAt = (state as { savedAt?: unknown }).savedAt;
    const updatedAt = typeof savedAt === "number" && Number.isFinite(savedAt) && savedAt > 0 ? Math.floor(savedAt) : Date.now();
    for (;;) {
      const current = await kv.get<SessionRecord>(key);
      if (current.value && updatedAt < current.value.updatedAt) {
        return json({ error: "Stale snapshot rejected: a newer state already exists", sessionId: id, ...current.value }, 409);
      }
      const res = await kv.atomic().check(current).set(key, { updatedAt, state }, { expireIn: ttlMs }).commit();
      if (res.ok) return empty(204);
    }
  }
  if (req.method === "DELETE") {
    await kv.delete(key);
    return empty(204);
  }
  return json({ error: "Method Not Allowed" }, 405, { allow: "GET,PUT,DELETE,OPTIONS" });
}

Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
  if (req.method === "OPTIONS") return empty(204);
  const path = new URL(req.url).pathname;
  if (path === "/api/health") {
    return json({ ok: true, storage: "kv", isAvailable: true, isPersistent: true, now: Date.now() });
  }
  if (apiKey && (req.headers.get("x-api-key") ?? "").trim() !== apiKey) return json({ error: "Unauthorized" }, 401);
  const m = path.match(/^\/api\/sessions\/([^/]+)$/);
  if (m) return session(req, decodeURIComponent(m[1]));
  return json({ error: "Not Found" }, 404);
});
