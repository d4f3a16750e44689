// Deno peer of system 004 (VLM API + prompts on KV, CONTRACTS §5): the seed's own Deno code (stage 2
// CRUD, stage 3 in-memory cache with [CACHE] logs, stage 4 KV rate limit) on Deno.serve + Deno KV,
// with swift-edge's key layout: ["prompts","by_id",id], ["prompts",ns,name,version],
// ["prompts_idx","ns",ns,id] / ["prompts_idx","lang",ns,lang,id] / ["prompts_idx","active",id] -> true
// (Decision 0012: the seed's id arrays pass Deno KV's 64 KiB value limit after ~10k prompts),
// ["prompts_default",ns,lang], ["prompts_meta","counter"|"updated_at"], ["rate_limit",ip:group,window].
// Differences from the seed are the contract's: sort before the limit, one atomic create commit
// with a duplicate check (409), make_default answered with the final state.
// Only the routes bench/routes measures: list, get, create (plus default get).
const port = Number(Deno.env.get("PORT") ?? "8000");
const kv = await Deno.openKv(Deno.env.get("DENO_KV_PATH"));
const adminToken = Deno.env.get("ADMIN_TOKEN");
const writeLimit = Number(Deno.env.get("WRITE_RL_LIMIT") ?? "20");
const writeWindow = Number(Deno.env.get("WRITE_RL_WINDOW_SEC") ?? "60");

interface Prompt {
  id: number; namespace: string; name: string; version: number; lang: string; text: string;
  tags: string[]; priority: number; is_active: boolean; is_default: boolean; created_at: string; updated_at: string;
}

const cors: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
  "access-control-allow-headers": "content-type, authorization, x-admin-token, x-nonce",
  "access-control-expose-headers": "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, x-cache, x-request-id, content-disposition, x-backup-location",
};
function json(body: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status, headers: { "content-type": "application/json; charset=utf-8", ...extra, ...cors },
  });
}

// ---- stage 3: in-memory cache (the seed's MemoryCache)
class MemoryCache {
  private cache = new Map<string, { value: unknown; expires: number }>();
  set(key: string, value: unknown, ttlMs: number) { this.cache.set(key, { value, expires: Date.now() + ttlMs }); }
  get<T>(key: string): T | null {
    const e = this.cache.get(key);
    if (!e) return null;
    if (Date.now() > e.expires) { this.cache.delete(key); return null; }
    return e.value as T;
  }
  delete(key: string) { this.cache.delete(key); }
  deletePattern(p: string) { for (const k of this.cache.keys()) if (k.includes(p)) this.cache.delete(k); }
  cleanup() { const now = Date.now(); for (const [k, e] of this.cache) if (now > e.expires) this.cache.delete(k); }
}
const memCache = new MemoryCache();
setInterval(() => memCache.cleanup(), 60_000);

// ---- stage 2: storage
async function getPromptById(id: number): Promise<Prompt | null> {
  return (await kv.get<Prompt>(["prompts", "by_id", id])).value;
}

async function listPrompts(namespace: string, lang?: string, active?: boolean): Promise<Prompt[]> {
  const ids: number[] = [];
  for await (const e of kv.list({ prefix: ["prompts_idx", "ns", namespace] })) ids.push(e.key[3] as number);
  const prompts: Prompt[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const batch = await kv.getMany<Prompt[]>(ids.slice(i, i + 10).map((id) => ["prompts", "by_id", id]));
    for (const r of batch) {
      const p = r.value;
      if (!p) continue;
      if (lang && p.lang !== lang) continue;
      if (active !== undefined && p.is_active !== active) continue;
      prompts.push(p);
    }
  }
  return prompts.sort((a, b) => {
    if (a.priority !== b.priority) return a.priority - b.priority;
    if (a.name !== b.name) return a.name.localeCompare(b.name);
    if (a.version !== b.version) return b.version - a.version;
    return a.id - b.id;
  });
}

class Conflict { constructor(readonly id: number) {} }

async function createPrompt(data: Omit<Prompt, "id" | "created_at" | "updated_at">, makeDefault: boolean): Promise<Prompt> {
  const counterKey = ["prompts_meta", "counter"];
  const secondary = ["prompts", data.namespace, data.name, data.version];
  const pointer = ["prompts_default", data.namespace, data.lang];
  for (;;) {
    const [counter, existing, def] = await kv.getMany<[number, Prompt, number]>([counterKey, secondary, pointer]);
    if (existing.value) throw new Conflict(existing.value.id);
    const id = (counter.value || 0) + 1;
    const now = new Date().toISOString();
    const prompt: Prompt = { id, ...data, is_default: makeDefault && data.is_active, created_at: now, updated_at: now };
    const op = kv.atomic()
      .check(counter).check({ key: secondary, versionstamp: null }).check({ key: ["prompts", "by_id", id], versionstamp: null });
    if (prompt.is_default) {
      op.check(def);
      if (def.value && def.value !== id) {
        const old = await kv.get<Prompt>(["prompts", "by_id", def.value]);
        op.check(old);
        if (old.value) {
          const o = { ...old.value, is_default: false, updated_at: now };
          op.set(["prompts", "by_id", o.id], o).set(["prompts", o.namespace, o.name, o.version], o);
        }
      }
      op.set(pointer, id);
    }
    op.set(counterKey, id)
      .set(["prompts", "by_id", id], prompt)
      .set(secondary, prompt)
      .set(["prompts_idx", "ns", data.namespace, id], true)
      .set(["prompts_idx", "lang", data.namespace, data.lang, id], true);
    if (data.is_active) op.set(["prompts_idx", "active", id], true);
    op.set(["prompts_meta", "updated_at"], now);
    if ((await op.commit()).ok) return prompt;
  }
}

// ---- stage 4: rate limit in KV (the seed's checkRateLimit, check-and-set so concurrent writers count)
async function checkRateLimit(identifier: string, limit: number, windowSec: number) {
  const nowSec = Date.now() / 1000;
  const window = Math.floor(nowSec / windowSec);
  const key = ["rate_limit", identifier, window];
  const reset = Math.max(1, Math.floor((window + 1) * windowSec - nowSec));
  for (;;) {
    const current = await kv.get<number>(key);
    const count = current.value || 0;
    if (count >= limit) return { allowed: false, remaining: 0, reset };
    const res = await kv.atomic().check(current).set(key, count + 1, { expireIn: windowSec * 1000 }).commit();
    if (res.ok) return { allowed: true, remaining: limit - count - 1, reset };
  }
}

// ---- routes
async function handleListPrompts(url: URL): Promise<Response> {
  const namespace = url.searchParams.get("namespace") || "default";
  const lang = url.searchParams.get("lang") || undefined;
  const activeParam = url.searchParams.get("active");
  const active = activeParam ? activeParam === "1" : undefined;
  let limit = parseInt(url.searchParams.get("limit") || "50");
  if (!(limit >= 1)) limit = 50;
  limit = Math.min(limit, 100);
  const key = `list:${namespace}:${lang ?? "*"}:${active}`;
  let list = memCache.get<Prompt[]>(key);
  const hit = list !== null;
  console.log(`[CACHE] ${hit ? "HIT" : "MISS"}: ${key}`);
  if (!list) {
    list = await listPrompts(namespace, lang, active);
    memCache.set(key, list, 60 * 1000);
  }
  return json({ items: list.slice(0, limit) }, 200, { "x-cache": hit ? "HIT" : "MISS" });
}

async function handleGetPrompt(idText: string): Promise<Response> {
  const id = /^[0-9]{1,16}$/.test(idText) ? parseInt(idText) : NaN;
  if (!(id >= 1)) return json({ error: "Not found" }, 404);
  const key = `prompt:${id}`;
  let prompt = memCache.get<Prompt>(key);
  const hit = prompt !== null;
  console.log(`[CACHE] ${hit ? "HIT" : "MISS"}: ${key}`);
  if (!prompt) {
    prompt = await getPromptById(id);
    if (!prompt) return json({ error: "Not found" }, 404);
    memCache.set(key, prompt, 5 * 60 * 1000);
  }
  return json(prompt, 200, { "x-cache": hit ? "HIT" : "MISS" });
}

async function handleCreatePrompt(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
  const rl = await checkRateLimit(`${(info.remoteAddr as Deno.NetAddr).hostname}:create`, writeLimit, writeWindow);
  const rlHeaders: Record<string, string> = {
    "x-ratelimit-limit": String(writeLimit), "x-ratelimit-remaining": String(rl.remaining), "x-ratelimit-reset": String(rl.reset),
  };
  if (!rl.allowed) return json({ error: "Too many requests" }, 429, { ...rlHeaders, "retry-after": String(rl.reset) });
  const token = req.headers.get("X-Admin-Token");
  if (adminToken === undefined || token !== adminToken) return json({ error: "Unauthorized" }, 401, rlHeaders);
  let body: Record<string, unknown>;
  try { body = await req.json(); } catch { return json({ error: "Invalid JSON" }, 400, rlHeaders); }
  if (!body || typeof body !== "object" || !body.namespace || !body.name || !body.text) {
    return json({ error: "Missing required fields" }, 400, rlHeaders);
  }
  try {
    const prompt = await createPrompt({
      namespace: body.namespace as string,
      name: body.name as string,
      version: (body.version as number) || 1,
      lang: (body.lang as string) || "en",
      text: body.text as string,
      tags: (body.tags as string[]) || [],
      priority: (body.priority as number) || 0,
      is_active: (body.is_active as boolean) ?? true,
      is_default: false,
    }, body.make_default === true);
    memCache.deletePattern(`list:${prompt.namespace}`);
    if (prompt.is_default) memCache.deletePattern("prompt:");
    return json(prompt, 201, rlHeaders);
  } catch (e) {
    if (e instanceof Conflict) return json({ error: "Prompt already exists", code: "duplicate_prompt", details: { id: e.id } }, 409, rlHeaders);
    throw e;
  }
}

Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, async (req, info) => {
  if (req.method === "OPTIONS") return new Response(null, { headers: cors });
  const url = new URL(req.url);
  const path = url.pathname;
  if (path === "/healthz") return json({ ok: true, ts: Date.now() });
  if (path === "/v1/prompts") {
    if (req.method === "GET") return handleListPrompts(url);
    if (req.method === "POST") return handleCreatePrompt(req, info);
  }
  if (path === "/v1/prompts/default" && req.method === "GET") {
    const ns = url.searchParams.get("namespace") || "default", lang = url.searchParams.get("lang") || "en";
    const id = (await kv.get<number>(["prompts_default", ns, lang])).value;
    const p = id ? await getPromptById(id) : null;
    return p ? json(p) : json({ error: "No default prompt" }, 404);
  }
  const m = path.match(/^\/v1\/prompts\/([^/]+)$/);
  if (m && req.method === "GET") return handleGetPrompt(m[1]);
  return new Response("Not Found", { status: 404, headers: cors });
});
