// Deno peer of system 003 (Persephone UI backend, CONTRACTS §4) on Deno.serve + Deno KV, with
// swift-edge's key layout: ["persephone","run",runId] -> run record, ["persephone","deploy",runId,env]
// -> latest deployment. State is derived from timestamps (no background task), as §4.3 proposes.
// Measured: GET /prepare/status and GET /deploy/status (the UI's 2 s / 5 s polls). POST /upload,
// /prepare/start and /deploy/start exist to seed runs through HTTP; they skip what the status routes
// never show (artifact content validation, GPU leases).
const port = Number(Deno.env.get("PORT") ?? "8000");
const kv = await Deno.openKv(Deno.env.get("DENO_KV_PATH"));
const uploadDir = Deno.env.get("UPLOAD_DIR") ?? "./uploads";
const stepMs = Number(Deno.env.get("PREPARE_STEP_MS") ?? "1500");
const deployMs = Number(Deno.env.get("DEPLOY_MS") ?? "3000");
const origins = (Deno.env.get("CORS_ORIGINS") ?? "http://localhost:3000").split(",").map((s) => s.trim()).filter(Boolean);
const STEPS = ["Validate artifact", "Allocate GPU", "Provision environment", "Warm up model"];
const ENVS = ["dev", "stage", "prod"];
const ALLOWED = [".tar.gz", ".tgz", ".zip", ".tar", ".onnx", ".pt", ".pth", ".pkl"];

interface Prepare { startedMs: number; stepMs: number; failStep?: number; failMessage?: string }
interface Run { runId: string; fileName: string; sizeBytes: number; sha256: string; path: string; createdMs: number; prepare?: Prepare }
interface Deploy { runId: string; environment: string; version: number; startedMs: number; durationMs: number }

class HttpError { constructor(readonly status: number, readonly message: string) {} }

function headers(req: Request): Headers {
  const h = new Headers({ "content-type": "application/json; charset=utf-8", vary: "Origin",
    "access-control-allow-methods": "GET, POST, OPTIONS", "access-control-allow-headers": "Content-Type",
    "access-control-allow-credentials": "true" });
  const origin = req.headers.get("origin");
  if (origin && origins.includes(origin)) h.set("access-control-allow-origin", origin);
  if (!/(^|;\s*)psphn_session=[^;]/.test(req.headers.get("cookie") ?? "")) {
    const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    h.set("set-cookie", `psphn_session=${id}; Path=/; HttpOnly; SameSite=Lax`);
  }
  return h;
}
const iso = (ms: number) => new Date(ms).toISOString();

function prepareState(run: Run, now: number) {
  const p = run.prepare;
  if (!p) return { runId: run.runId, phase: "Pending", steps: STEPS.map((name) => ({ name, status: "Pending" })), updatedAt: iso(run.createdMs) };
  const last = p.failStep ?? STEPS.length - 1;
  let updated = p.startedMs;
  const steps = STEPS.map((name, i) => {
    const begin = p.startedMs + i * p.stepMs, end = begin + p.stepMs;
    if (i > last || now < begin) return { name, status: "Pending" } as Record<string, string>;
    updated = Math.max(updated, begin);
    if (now < end) return { name, status: "Running" };
    updated = end;
    if (i === last && p.failStep !== undefined) return { name, status: "Failed", message: p.failMessage ?? "step failed", completedAt: iso(end) };
    return { name, status: "Succeeded", completedAt: iso(end) };
  });
  const end = p.startedMs + (last + 1) * p.stepMs;
  const phase = now >= end ? (p.failStep === undefined ? "Succeeded" : "Failed") : "Running";
  return { runId: run.runId, phase, steps, updatedAt: iso(updated) };
}

function deployState(d: Deploy, now: number) {
  const running = d.startedMs + Math.floor(d.durationMs / 3), done = d.startedMs + d.durationMs, v = `v${d.version}`;
  const [phase, message, updated] = now >= done ? ["Succeeded", `${v} is live in ${d.environment}`, done]
    : now >= running ? ["Running", `deploying ${v} to ${d.environment}`, running]
    : ["Pending", `${v} is queued for ${d.environment}`, d.startedMs];
  return { runId: d.runId, environment: d.environment, phase, message, version: v, startedAt: iso(d.startedMs), updatedAt: iso(updated as number) };
}

async function findRun(url: URL): Promise<Deno.KvEntry<Run>> {
  const id = url.searchParams.get("runId");
  if (!id) throw new HttpError(400, "runId query parameter is required");
  const e = id.length <= 128 ? await kv.get<Run>(["persephone", "run", id]) : null;
  if (!e || !e.value) throw new HttpError(404, `run ${id} not found`);
  return e as Deno.KvEntry<Run>;
}
function envParam(url: URL): string {
  const env = url.searchParams.get("env");
  if (!env) throw new HttpError(400, "env query parameter is required (dev, stage or prod)");
  if (!ENVS.includes(env)) throw new HttpError(400, `unknown env '${env.slice(0, 128)}': expected dev, stage or prod`);
  return env;
}

async function upload(req: Request) {
  const form = await req.formData();
  const file = form.get("file");
  if (!(file instanceof File)) throw new HttpError(400, "multipart field 'file' is required");
  const name = file.name.split("/").pop()!.slice(0, 255);
  const ext = ALLOWED.find((e) => name.toLowerCase().endsWith(e));
  if (!ext) throw new HttpError(400, `unsupported file type: expected one of ${ALLOWED.join(", ")}`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) throw new HttpError(400, "the file is empty");
  const runId = crypto.randomUUID();
  const path = `${uploadDir}/${runId}${ext}`;
  await Deno.writeFile(path, bytes);
  const sha256 = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
  await kv.set(["persephone", "run", runId], { runId, fileName: name, sizeBytes: bytes.length, sha256, path, createdMs: Date.now() });
  return { runId };
}

async function prepareStart(url: URL) {
  for (;;) {
    const e = await findRun(url);
    const now = Date.now();
    const current = prepareState(e.value, now);
    if (e.value.prepare && (current.phase === "Running" || current.phase === "Succeeded")) return current;
    const prepare: Prepare = { startedMs: now, stepMs };
    if (e.value.fileName.toLowerCase().includes("fail")) {
      prepare.failStep = STEPS.length - 1;
      prepare.failMessage = "warm-up failed: the model did not become ready (simulated for artifacts named *fail*)";
    }
    const updated = { ...e.value, prepare };
    if ((await kv.atomic().check(e).set(e.key, updated).commit()).ok) return prepareState(updated, now);
  }
}

async function deployStart(url: URL) {
  const run = (await findRun(url)).value;
  const env = envParam(url);
  if (prepareState(run, Date.now()).phase !== "Succeeded") throw new HttpError(409, "preparation has not succeeded yet");
  const key = ["persephone", "deploy", run.runId, env];
  for (;;) {
    const last = await kv.get<Deploy>(key);
    const d: Deploy = { runId: run.runId, environment: env, version: (last.value?.version ?? 0) + 1, startedMs: Date.now(), durationMs: deployMs };
    if ((await kv.atomic().check(last).set(key, d).commit()).ok) return deployState(d, Date.now());
  }
}

Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
  const h = headers(req);
  if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: h });
  const url = new URL(req.url);
  const route = `${req.method} ${url.pathname}`;
  try {
    let body: unknown;
    if (route === "GET /prepare/status") body = prepareState((await findRun(url)).value, Date.now());
    else if (route === "GET /deploy/status") {
      const run = (await findRun(url)).value;
      const env = envParam(url);
      const d = await kv.get<Deploy>(["persephone", "deploy", run.runId, env]);
      if (!d.value) throw new HttpError(404, `no deployment of run ${run.runId} to ${env}`);
      body = deployState(d.value, Date.now());
    } else if (route === "POST /upload") body = await upload(req);
    else if (route === "POST /prepare/start") body = await prepareStart(url);
    else if (route === "POST /deploy/start") body = await deployStart(url);
    else throw new HttpError(404, "Not Found");
    return new Response(JSON.stringify(body), { headers: h });
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    return new Response(JSON.stringify({ message: e.message }), { status: e.status, headers: h });
  }
});
