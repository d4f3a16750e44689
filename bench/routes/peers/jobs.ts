// Deno peer of system 002 (AI jobs MVP, CONTRACTS §3): the FastAPI app's job flow written for
// Deno.serve + Deno KV, with swift-edge's key layout: ["jobs","job",seq] -> job (seq orders by
// creation), ["jobs","id",jobId] -> seq, ["jobs","payloadInline",jobId] -> image data URL,
// ["jobs","result",jobId], ["jobs","idem",key] -> jobId. A created job is enqueued (kv.enqueue) and run
// by kv.listenQueue: pending -> running -> done|failed|timeout, the detector (PNG decode, stb_image's
// gray, 3x3 edge filter, bounding box) on the JS thread. Cleanup (TTL, JOBS_MAX_ITEMS) runs at most
// once a second (the original runs it on every access; edge gates it the same way in KV), the cap
// is enforced after every create (one pass at a time). Measured: POST /jobs and GET /jobs/:id
// (GET /jobs/:id/result exists so run.py can compare the detector's output with edge's).
const port = Number(Deno.env.get("PORT") ?? "8000");
const kv = await Deno.openKv(Deno.env.get("DENO_KV_PATH"));
const ttlMs = Number(Deno.env.get("JOBS_TTL_SECONDS") ?? "1800") * 1000;
const maxItems = Number(Deno.env.get("JOBS_MAX_ITEMS") ?? "200");
const runTimeoutMs = Math.max(1, Math.round(Number(Deno.env.get("JOB_RUN_TIMEOUT_SECONDS") ?? "8") * 1000));
const MODEL_VERSION = "backend-mvp-edge-heuristic-0.5.0";

type Status = "pending" | "running" | "done" | "failed" | "canceled" | "timeout";
interface Job {
  jobId: string; seq: number; status: Status; task: string; createdAt: string; createdMs: number;
  startedAt: string | null; finishedAt: string | null; finishedMs: number | null; error: string | null;
  idempotencyKey: string | null; minScore: number; debugSleepMs: number; runToken: string | null;
}
const terminal = (s: Status) => s !== "pending" && s !== "running";
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const K = {
  job: (seq: number) => ["jobs", "job", seq], id: (id: string) => ["jobs", "id", id], payload: (id: string) => ["jobs", "payloadInline", id],
  result: (id: string) => ["jobs", "result", id], idem: (k: string) => ["jobs", "idem", k],
};

class ApiError { constructor(readonly status: number, readonly code: string, readonly message: string, readonly details: unknown = null) {} }
function json(body: Record<string, unknown>, requestId: string, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: {
    "content-type": "application/json; charset=utf-8", "access-control-allow-origin": "*",
    "access-control-allow-methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT", "access-control-allow-headers": "*",
    "access-control-max-age": "600", "x-request-id": requestId } });
}

// ---------------------------------------------------------------- store
let lastSeq = 0;
const nextSeq = (now: number) => (lastSeq = Math.max(now * 1024, lastSeq + 1));
const isLive = (j: Job, now: number) => !terminal(j.status) || j.finishedMs === null || now - j.finishedMs <= ttlMs;

async function find(jobId: string): Promise<Deno.KvEntry<Job> | null> {
  if (jobId.length > 128) return null;
  const seq = (await kv.get<number>(K.id(jobId))).value;
  if (seq === null) return null;
  const e = await kv.get<Job>(K.job(seq));
  return e.value && isLive(e.value, Date.now()) ? e as Deno.KvEntry<Job> : null;
}

async function remove(j: Job) {
  const op = kv.atomic().delete(K.job(j.seq)).delete(K.id(j.jobId)).delete(K.result(j.jobId)).delete(K.payload(j.jobId));
  if (j.idempotencyKey) {
    const e = await kv.get<string>(K.idem(j.idempotencyKey));
    if (e.value === j.jobId) op.check(e).delete(e.key);
  }
  await op.commit();
}

let lastCleanup = 0;
async function cleanupIfDue() {
  const now = Date.now();
  if (now - lastCleanup < 1000) return;
  lastCleanup = now;
  const alive: Job[] = [], purge: Job[] = [];
  for await (const e of kv.list<Job>({ prefix: ["jobs", "job"] })) {
    const j = e.value;
    if (terminal(j.status) && j.finishedMs !== null && now - j.finishedMs > ttlMs) purge.push(j); else alive.push(j);
  }
  if (alive.length > maxItems) purge.push(...alive.splice(0, alive.length - maxItems));
  for (const j of purge) await remove(j);
}

// One pass at a time (one process): 64 concurrent creates each deleting the same overflow entries
// made the commits quadratic and stalled the server for many seconds past 200 jobs.
let capping = false;
async function enforceCap() {
  if (capping) return;
  capping = true;
  try {
    let n = 0;
    for await (const e of kv.list<Job>({ prefix: ["jobs", "job"] }, { reverse: true })) if (++n > maxItems) await remove(e.value);
  } finally {
    capping = false;
  }
}

async function end(entry: Deno.KvEntry<Job>, status: Status, error: string | null, onlyIf: (j: Job) => boolean, extra?: (op: Deno.AtomicOperation) => void) {
  let cur: Deno.KvEntry<Job> | null = entry;
  for (let i = 0; i < 128 && cur; i++) {
    if (!onlyIf(cur.value)) return;
    const now = Date.now();
    const ended: Job = { ...cur.value, status, error, finishedAt: iso(now), finishedMs: now };
    const op = kv.atomic().check(cur).set(cur.key, ended).delete(K.payload(ended.jobId));
    extra?.(op);
    if ((await op.commit()).ok) return;
    cur = await find(cur.value.jobId);
  }
}

async function create(input: { imageBase64: string; minScore: number; debugSleepMs: number; idempotencyKey: string | null }) {
  if (input.idempotencyKey) {
    const owner = (await kv.get<string>(K.idem(input.idempotencyKey))).value;
    const existing = owner ? await find(owner) : null;
    if (existing) return existing.value;
  }
  const jobId = crypto.randomUUID();
  for (let i = 0; i < 128; i++) {
    let idem: Deno.KvEntryMaybe<string> | null = null;
    if (input.idempotencyKey) {
      idem = await kv.get<string>(K.idem(input.idempotencyKey));
      const existing = idem.value ? await find(idem.value) : null;
      if (existing) return existing.value;
    }
    const now = Date.now(), seq = nextSeq(now);
    const job: Job = { jobId, seq, status: "pending", task: "detect-objects", createdAt: iso(now), createdMs: now, startedAt: null,
      finishedAt: null, finishedMs: null, error: null, idempotencyKey: input.idempotencyKey, minScore: input.minScore,
      debugSleepMs: input.debugSleepMs, runToken: null };
    const op = kv.atomic().check({ key: K.job(seq), versionstamp: null }).set(K.job(seq), job).set(K.id(jobId), seq)
      .set(K.payload(jobId), input.imageBase64, { expireIn: 86_400_000 })
      .enqueue({ app: "jobs", kind: "run", jobId }, { backoffSchedule: [1000, 5000, 30000, 60000] });
    if (idem) op.check(idem).set(idem.key, jobId);
    if ((await op.commit()).ok) { await enforceCap(); return job; }
  }
  throw new ApiError(503, "storage_busy", "Too many concurrent job creations; retry");
}

// ---------------------------------------------------------------- detector
async function inflate(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer());
}

async function decodeGrayPNG(b: Uint8Array): Promise<{ w: number; h: number; px: Uint8Array }> {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (b.length < 8 || sig.some((v, i) => b[i] !== v)) throw new Error("unsupported image format (PNG only in this peer)");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let w = 0, h = 0, depth = 0, ctype = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  for (let p = 8; p + 8 <= b.length;) {
    const len = dv.getUint32(p), type = String.fromCharCode(...b.subarray(p + 4, p + 8));
    if (p + 12 + len > b.length) throw new Error("truncated chunk");
    const d = b.subarray(p + 8, p + 8 + len);
    if (type === "IHDR") { w = dv.getUint32(p + 8); h = dv.getUint32(p + 12); depth = d[8]; ctype = d[9]; interlace = d[12]; }
    else if (type === "IDAT") idat.push(d);
    else if (type === "IEND") break;
    p += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[ctype];
  if (depth !== 8 || !channels || interlace !== 0 || w < 1 || h < 1 || w > 8192 || h > 8192) throw new Error("unsupported PNG layout");
  const all = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  idat.reduce((o, c) => (all.set(c, o), o + c.length), 0);
  const raw = await inflate(all);
  const stride = w * channels;
  if (raw.length < h * (stride + 1)) throw new Error("truncated image data");
  const cur = new Uint8Array(stride), prev = new Uint8Array(stride), px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0, up = prev[i], c = i >= channels ? prev[i - channels] : 0;
      let v = row[i];
      if (f === 1) v += a; else if (f === 2) v += up; else if (f === 3) v += (a + up) >> 1;
      else if (f === 4) { const pp = a + up - c, pa = Math.abs(pp - a), pb = Math.abs(pp - up), pc = Math.abs(pp - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c; }
      cur[i] = v & 255;
    }
    for (let x = 0; x < w; x++) {
      const o = x * channels;
      px[y * w + x] = channels >= 3 ? (cur[o] * 77 + cur[o + 1] * 150 + cur[o + 2] * 29) >> 8 : cur[o];
    }
    prev.set(cur);
  }
  return { w, h, px };
}

function detect({ w, h, px }: { w: number; h: number; px: Uint8Array }, minScore: number) {
  let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1;
  for (let y = 0; y < h; y++) {
    const up = (y === 0 ? 0 : y - 1) * w, row = y * w, down = (y === h - 1 ? y : y + 1) * w;
    for (let x = 0; x < w; x++) {
      const l = x === 0 ? 0 : x - 1, r = x === w - 1 ? x : x + 1;
      const sum = px[up + l] + px[up + x] + px[up + r] + px[row + l] + px[row + r] + px[down + l] + px[down + x] + px[down + r];
      if (8 * px[row + x] - sum >= 40) { minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
    }
  }
  if (maxX < 0) return [];
  const bw = Math.max(1, maxX - minX), bh = Math.max(1, maxY - minY);
  const score = Math.min(0.95, Math.max(0.35, bw * bh / Math.max(1, w * h) + 0.25));
  return score >= minScore ? [{ x: minX, y: minY, width: bw, height: bh, label: "foreground", score: Math.round(score * 1000) / 1000 }] : [];
}

function b64bytes(dataURL: string): Uint8Array {
  const comma = dataURL.indexOf(",");
  if (comma < 0) throw new Error("invalid data URL: no comma");
  return Uint8Array.from(atob(dataURL.slice(comma + 1).replace(/[^A-Za-z0-9+/=]/g, "")), (c) => c.charCodeAt(0));
}

// ---------------------------------------------------------------- runner
kv.listenQueue(async (msg: { app?: string; kind?: string; jobId?: string }) => {
  if (msg?.app !== "jobs" || msg.kind !== "run" || !msg.jobId) return;
  let entry = await find(msg.jobId);
  if (!entry || entry.value.status !== "pending") return;
  const now = Date.now(), token = crypto.randomUUID();
  const running: Job = { ...entry.value, status: "running", startedAt: iso(now), runToken: token };
  if (!(await kv.atomic().check(entry).set(entry.key, running).commit()).ok) return;
  const inRun = (j: Job) => j.status === "running" && j.runToken === token;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => { timer = setTimeout(async () => {
    const e = await find(running.jobId);
    if (e) await end(e, "timeout", "job exceeded processing timeout", inRun);
    resolve();
  }, runTimeoutMs); });
  const work = (async () => {
    const t0 = performance.now();
    if (running.debugSleepMs > 0) await new Promise((r) => setTimeout(r, running.debugSleepMs));
    const payload = (await kv.get<string>(K.payload(running.jobId))).value;
    let objects: unknown[] | null = null, failure = "the stored image is gone";
    if (payload !== null) {
      try { objects = detect(await decodeGrayPNG(b64bytes(payload)), running.minScore); } catch (e) { failure = (e as Error).message; }
    }
    const latencyMs = Math.round((performance.now() - t0) * 100) / 100;
    entry = await find(running.jobId);
    if (!entry) return;
    if (objects) await end(entry, "done", null, inRun, (op) => op.set(K.result(running.jobId), { objects, modelVersion: MODEL_VERSION, latencyMs }));
    else await end(entry, "failed", `invalid image payload: ${failure}`, inRun);
  })();
  await Promise.race([work, timeout]);
  clearTimeout(timer);
});

// ---------------------------------------------------------------- routes
function parseCreate(body: unknown, path: string) {
  const issues: unknown[] = [];
  const issue = (type: string, field: string, msg: string) => issues.push({ type, loc: ["body", field], msg });
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError(422, "validation_error", "Request validation failed", { errors: [{ type: "model_attributes_type", loc: ["body"], msg: "Input should be a valid dictionary or object" }], path });
  }
  const b = body as Record<string, unknown>;
  if (b.task === undefined) issue("missing", "task", "Field required"); else if (b.task !== "detect-objects") issue("literal_error", "task", "Input should be 'detect-objects'");
  if (b.imageBase64 === undefined) issue("missing", "imageBase64", "Field required"); else if (typeof b.imageBase64 !== "string") issue("string_type", "imageBase64", "Input should be a valid string");
  if (b.minScore !== undefined && (typeof b.minScore !== "number" || !isFinite(b.minScore))) issue("float_type", "minScore", "Input should be a valid number");
  if (b.debugSleepMs !== undefined && (typeof b.debugSleepMs !== "number" || !Number.isInteger(b.debugSleepMs))) issue("int_type", "debugSleepMs", "Input should be a valid integer");
  else if (typeof b.debugSleepMs === "number" && b.debugSleepMs > 60000) issue("less_than_equal", "debugSleepMs", "Input should be less than or equal to 60000");
  if (b.idempotencyKey !== undefined && b.idempotencyKey !== null && typeof b.idempotencyKey !== "string") issue("string_type", "idempotencyKey", "Input should be a valid string");
  if (issues.length) throw new ApiError(422, "validation_error", "Request validation failed", { errors: issues, path });
  return { imageBase64: b.imageBase64 as string, minScore: (b.minScore as number) ?? 0.35,
    debugSleepMs: Math.max(0, (b.debugSleepMs as number) ?? 0), idempotencyKey: (b.idempotencyKey as string) || null };
}

const statusJSON = (j: Job) => ({ jobId: j.jobId, status: j.status, task: j.task, createdAt: j.createdAt, startedAt: j.startedAt, finishedAt: j.finishedAt, error: j.error });

Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
  const requestId = crypto.randomUUID();
  const path = new URL(req.url).pathname;
  try {
    if (path === "/health" && req.method === "GET") {
      await cleanupIfDue();
      return json({ status: "ok", service: "backend-ai-mvp", version: "0.5.0", requestId }, requestId);
    }
    if (path === "/jobs" && req.method === "POST") {
      let body: unknown;
      try { body = await req.json(); } catch (e) {
        throw new ApiError(422, "validation_error", "Request validation failed", { errors: [{ type: "json_invalid", loc: ["body"], msg: `JSON decode error: ${(e as Error).message}` }], path });
      }
      const input = parseCreate(body, path);
      await cleanupIfDue();
      const job = await create(input);
      return json({ jobId: job.jobId, status: job.status, acceptedAt: job.createdAt, requestId }, requestId);
    }
    const m = path.match(/^\/jobs\/([^/]+)$/);
    if (m && req.method === "GET") {
      await cleanupIfDue();
      const e = await find(decodeURIComponent(m[1]));
      if (!e) throw new ApiError(404, "job_not_found", "job not found", { jobId: m[1] });
      return json({ ...statusJSON(e.value), requestId }, requestId);
    }
    const r = path.match(/^\/jobs\/([^/]+)\/result$/);
    if (r && req.method === "GET") {  // done jobs only: enough to compare the detector with edge's
      const e = await find(decodeURIComponent(r[1]));
      if (!e) throw new ApiError(404, "job_not_found", "job not found", { jobId: r[1] });
      if (e.value.status !== "done") throw new ApiError(409, `job_${e.value.status === "pending" || e.value.status === "running" ? "not_completed" : e.value.status}`, e.value.error ?? "job not completed", { jobId: r[1], status: e.value.status });
      const result = (await kv.get<Record<string, unknown>>(K.result(e.value.jobId))).value;
      return json({ jobId: e.value.jobId, ...result, requestId }, requestId);
    }
    throw new ApiError(404, "http_error", "Not Found", { path });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return json({ code: e.code, message: e.message, requestId, details: e.details }, requestId, e.status);
  }
});
