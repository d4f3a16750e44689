#!/usr/bin/env python3
"""bench/routes/run.py: the seed systems' hot routes, `edge` against a Deno peer per system (see README.md).

Called by run.sh (which installs wrk and deno first). For each system: start `edge serve` (cwd = this
checkout, its own KV_PATH and UPLOAD_DIR) and the system's Deno peer (bench/routes/peers/<app>.ts,
Deno.serve + Deno KV in its own SQLite file), seed the same data into both through their own HTTP APIs,
check that every measured route answers both with the same status and the same body bytes (after
normalising only the fields named in the route's `normalise`: generated ids and timestamps), then
measure each route with wrk in interleaved rounds (edge, deno, deno, edge, ...), medians, ratios.
Prints a table and writes bench/results/routes-<UTC time>.json.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import pickle
import platform
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "bench" / "http"))
import servers as S  # noqa: E402  (bench/http: /proc sampling, free ports, the real deno binary)

REPORT_LUA = ROOT / "bench" / "http" / "wrk_report.lua"
WRITE_LUA = HERE / "wrk_write.lua"
GOAL = 2.0  # issue 21: every route >= 2x Deno on req/s and on CPU per request

# ------------------------------------------------------------------ HTTP helpers


def call(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 10) -> tuple[int, dict, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = dict(headers or {})
        if body is not None:
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def must(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
         ok: tuple[int, ...] = (200, 201, 204)) -> tuple[int, dict, bytes]:
    st, h, b = call(port, method, path, body, headers)
    if st not in ok:
        raise RuntimeError(f"{method} {path} on :{port} answered {st}: {b[:300]!r}")
    return st, h, b


def jdump(v) -> bytes:
    """Compact JSON as JSON.stringify writes it (what the peers re-serialise and edge keeps byte for byte)."""
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode()


# ------------------------------------------------------------------ systems and routes


@dataclass
class Route:
    name: str
    method: str
    path: str                     # for writes: a template with {k}
    body: bytes | None = None     # for writes: a template with {k}
    headers: dict = field(default_factory=dict)
    write: bool = False           # True: wrk_write.lua gives every request its own key
    normalise: tuple[str, ...] = ()  # JSON members whose values may differ (ids, timestamps)
    check: Callable[[int], tuple[int, bytes]] | None = None  # custom identity probe: port -> (status, body)
    min_duration: int = 0         # seconds: a route whose requests take seconds at c64 needs longer runs
    note: str = ""


@dataclass
class System:
    key: str
    title: str
    peer: str                     # bench/routes/peers/<peer>
    ready_path: str
    env: dict                     # for both servers
    seed: Callable[[int], dict]   # port -> facts the routes need (ids the server generated)
    routes: Callable[[dict], list[Route]]  # called per server with its own facts; same route names on both
    same_facts: bool = True       # False: facts are ids each server generates (runIds), they differ
    provider: bool = False        # True: start peers/fake_provider.ts; both servers get PROVIDER_BASE_URL


DIRECTOR_STATE = {
    "savedAt": 1765000000000, "version": 3, "activeScene": "intro",
    "scenes": [{"id": f"s{i}", "title": f"Scene {i}", "cues": [{"at": j * 15, "text": f"cue {i}.{j}"} for j in range(4)],
                "done": i % 2 == 0} for i in range(6)],
    "settings": {"lang": "ru", "autoAdvance": True, "volume": 0.8, "note": "Режиссёр \"бета\""},
}


def director_seed(port: int) -> dict:
    must(port, "PUT", "/api/sessions/bench-get", jdump({"state": DIRECTOR_STATE}))
    return {}


def director_routes(_: dict) -> list[Route]:
    put_body = jdump({"state": DIRECTOR_STATE})
    return [
        Route("000 session GET", "GET", "/api/sessions/bench-get"),
        Route("000 session PUT", "PUT", "/api/sessions/w{k}", put_body, write=True,
              check=lambda p: (must(p, "PUT", "/api/sessions/check-put", put_body)[0],
                               must(p, "GET", "/api/sessions/check-put")[2]),
              note="new key per request; identity: the 204 and the GET that follows"),
    ]


ADMIN = {"X-Admin-Token": "bench-admin-token"}
PROMPT_TEXT = ("Опиши изображение подробно: объекты, люди, текст на картинке, цвета и настроение. "
               "Answer in the user's language; keep it under 200 words. ") * 3


def vlm_seed(port: int) -> dict:
    ids = []
    for i in range(20):
        p = {"namespace": "bench", "name": f"prompt-{i:02d}", "version": 1 + i % 3, "lang": ["en", "ru"][i % 2],
             "text": PROMPT_TEXT + f" #{i}", "tags": ["bench", f"t{i % 4}"], "priority": i % 5,
             "is_active": i % 7 != 3, "make_default": i == 4}
        _, _, b = must(port, "POST", "/v1/prompts", jdump(p), ADMIN)
        ids.append(json.loads(b)["id"])
    return {"get_id": ids[7]}


def vlm_routes(f: dict) -> list[Route]:
    create = jdump({"namespace": "bench-create", "name": "p-{k}", "lang": "ru", "text": PROMPT_TEXT,
                    "tags": ["bench"], "priority": 1})
    ts = ("created_at", "updated_at")
    return [
        Route("004 prompt list", "GET", "/v1/prompts?namespace=bench", normalise=ts,
              note="20 prompts, cached (seed stage 3) in both"),
        Route("004 prompt get", "GET", f"/v1/prompts/{f['get_id']}", normalise=ts, note="cached in both"),
        Route("004 prompt create", "POST", "/v1/prompts", create, ADMIN, write=True, normalise=ts,
              check=lambda p: must(p, "POST", "/v1/prompts", create.replace(b"{k}", b"check"), ADMIN)[::2],
              note="new name per request; KV rate limit (raised), admin token, one atomic commit"),
    ]


MODEL_PKL = pickle.dumps({"weights": [0.5] * 2000, "name": "bench"}, protocol=4)  # a real pickle (magic 0x80 0x04)


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, dict]:
    boundary = "----edgebench7d3f"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def persephone_seed(port: int) -> dict:
    body, h = multipart("file", "model.pkl", MODEL_PKL)
    run_id = json.loads(must(port, "POST", "/upload", body, h)[2])["runId"]
    must(port, "POST", f"/prepare/start?runId={run_id}")
    time.sleep(0.05)  # PREPARE_STEP_MS=1: four steps, then Succeeded
    must(port, "POST", f"/deploy/start?runId={run_id}&env=stage")
    return {"runId": run_id}


def persephone_routes(f: dict) -> list[Route]:
    ids = ("runId", "completedAt", "updatedAt", "startedAt")
    return [
        Route("003 prepare status", "GET", f"/prepare/status?runId={f['runId']}", normalise=ids,
              note="4 steps Succeeded; Set-Cookie psphn_session on every answer (wrk sends no cookie)"),
        Route("003 deploy status", "GET", f"/deploy/status?runId={f['runId']}&env=stage", normalise=ids,
              note="deployment Pending (DEPLOY_MS=1 h)"),
    ]


CHAT_BODY = jdump({"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello."}],
                   "temperature": 0.2, "conversation_id": "ui-only", "streamingEnabled": False})


def chat_routes(_: dict) -> list[Route]:
    return [Route("001 completion", "POST", "/v1/chat/completions", CHAT_BODY, {"X-Forwarded-For": "{ip}"}, write=True,
                  check=lambda p: must(p, "POST", "/v1/chat/completions", CHAT_BODY, {"X-Forwarded-For": "10.9.9.9"})[::2],
                  note="non-streaming, through a fake provider (Deno.serve); a new client IP every 40 requests")]


def bench_png(w: int = 64, h: int = 64) -> bytes:
    """An RGB PNG: dark background, a red square (the detector finds it)."""
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            rows += bytes([200, 40, 40] if 20 <= x < 44 and 16 <= y < 40 else [30, 30, 30 + x % 3])
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b""))


JOB_BODY = jdump({"task": "detect-objects", "imageBase64": "data:image/png;base64," + base64.b64encode(bench_png()).decode(),
                  "minScore": 0.35})


def jobs_seed(port: int) -> dict:
    job_id = json.loads(must(port, "POST", "/jobs", JOB_BODY)[2])["jobId"]
    for _ in range(200):
        if json.loads(must(port, "GET", f"/jobs/{job_id}")[2])["status"] == "done":
            break
        time.sleep(0.05)
    result = json.loads(must(port, "GET", f"/jobs/{job_id}/result")[2])
    return {"jobId": job_id, "objects": result["objects"]}


def jobs_routes(f: dict) -> list[Route]:
    ids = ("jobId", "requestId", "createdAt", "startedAt", "finishedAt", "acceptedAt")
    return [
        Route("002 job poll", "GET", f"/jobs/{f['jobId']}", normalise=ids, note="a done job; cleanup gated to 1/s in both"),
        Route("002 job create", "POST", "/jobs", JOB_BODY, normalise=ids, min_duration=15,
              note="64x64 PNG; each job runs the detector on the server's queue runner (CPU counted); cap 200 jobs; "
                   "15 s runs, so the 200-job cap and the runner's backlog reach a steady state"),
    ]


SYSTEMS: dict[str, System] = {
    "director": System("director", "000 Director sessions", "director.ts", "/api/health", {}, director_seed, director_routes),
    "chat": System("chat", "001 chat proxy", "chat.ts", "/healthz",
                   {"PROVIDER_API_KEY": "bench-key", "TRUST_PROXY": "1", "PERSIST_TRANSCRIPTS": "false"},
                   lambda _port: {}, chat_routes, provider=True),
    "jobs": System("jobs", "002 AI jobs", "jobs.ts", "/health", {}, jobs_seed, jobs_routes, same_facts=False),
    "vlm": System("vlm", "004 VLM prompts", "vlm.ts", "/healthz",
                  {"ADMIN_TOKEN": ADMIN["X-Admin-Token"], "WRITE_RL_LIMIT": "1000000000", "WRITE_RL_WINDOW_SEC": "60"},
                  vlm_seed, vlm_routes),
    "persephone": System("persephone", "003 Persephone status polls", "persephone.ts", "/prepare/status?runId=none",
                         {"PREPARE_STEP_MS": "1", "DEPLOY_MS": "3600000", "PERSEPHONE_NVIDIA_SMI": "off"},
                         persephone_seed, persephone_routes, same_facts=False),
}
ORDER = ["director", "chat", "jobs", "persephone", "vlm"]

# ------------------------------------------------------------------ servers


class Proc:
    def __init__(self, name: str, cmd: list[str], env: dict, cwd: Path, scratch: Path):
        self.name, self.port = name, S.free_port()
        full = dict(os.environ)
        full.update(env)
        full["PORT"] = str(self.port)
        self.err = scratch / f"{name}.stderr"
        with open(os.devnull, "wb") as out, open(self.err, "wb") as err:
            self.p = subprocess.Popen(cmd, env=full, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                      start_new_session=True)
        LIVE.append(self)

    @property
    def pid(self) -> int:
        return self.p.pid

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.p.returncode}):\n{self.tail()}")
            try:
                if call(self.port, "GET", path, timeout=1)[0] < 500:  # any answer: it is serving
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready on :{self.port}{path}:\n{self.tail()}")

    def tail(self) -> str:
        try:
            return "\n".join(self.err.read_text(errors="replace").splitlines()[-15:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.p.poll() is None:
            try:
                os.killpg(self.p.pid, signal.SIGTERM)
                self.p.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self in LIVE:
            LIVE.remove(self)


LIVE: list[Proc] = []


def kill_live(*_):
    for p in list(LIVE):
        p.stop()
    if _:
        sys.exit(130)


def start_pair(sysm: System, edge_bin: Path, scratch: Path) -> dict[str, Proc]:
    d = scratch / sysm.key
    (d / "up").mkdir(parents=True, exist_ok=True)
    edge_env = {"HOST": "127.0.0.1", "ACCESS_LOG": "off", "KV_PATH": str(d / "kv"), "UPLOAD_DIR": str(d / "up"),
                **sysm.env}
    deno_env = {"DENO_NO_UPDATE_CHECK": "1", "DENO_KV_PATH": str(d / "deno-kv.sqlite"), "UPLOAD_DIR": str(d / "deno-up"),
                **sysm.env}
    (d / "deno-up").mkdir(exist_ok=True)
    procs = {
        "edge": Proc("edge", [str(edge_bin), "serve"], edge_env, ROOT, d),
        "deno": Proc("deno", [S.deno_bin(), "run", "--allow-net", "--allow-env", "--allow-read", "--allow-write",
                              "--unstable-kv", "--no-prompt", str(HERE / "peers" / sysm.peer)], deno_env, d, d),
    }
    for p in procs.values():
        p.wait_ready(sysm.ready_path)
    return procs


def start_provider(scratch: Path) -> Proc:
    p = Proc("provider", [S.deno_bin(), "run", "--allow-net", "--allow-env", "--no-prompt", str(HERE / "peers" / "fake_provider.ts")],
             {"DENO_NO_UPDATE_CHECK": "1"}, scratch, scratch)
    p.wait_ready("/")
    return p


# ------------------------------------------------------------------ identity check


def normalised(body: bytes, members: tuple[str, ...]) -> bytes:
    for m in members:
        body = re.sub(rb'("' + re.escape(m.encode()) + rb'":)("(?:[^"\\]|\\.)*"|-?[0-9.eE+-]+|null)', rb"\1<" +
                      m.encode() + rb">", body)
    return body


def identity(routes: dict[str, Route], procs: dict[str, Proc]) -> dict:
    got = {}
    route = routes["edge"]
    for name, p in procs.items():
        route = routes[name]
        if route.check:
            st, body = route.check(p.port)
            ctype = ""
        else:
            st, h, body = call(p.port, route.method, route.path, route.body, route.headers)
            ctype = h.get("content-type", "")
        got[name] = (st, body, ctype)
    (es, eb, ec), (ds, db, dc) = got["edge"], got["deno"]
    ne, nd = normalised(eb, route.normalise), normalised(db, route.normalise)
    same = es == ds and ne == nd and ec == dc
    return {"identical": same, "status": [es, ds], "bytes": [len(eb), len(db)], "content_type": [ec, dc],
            "normalised": list(route.normalise), "edge_body": eb.decode(errors="replace")[:400] if not same else None,
            "deno_body": db.decode(errors="replace")[:400] if not same else None}


# ------------------------------------------------------------------ wrk


def wrk(port: int, route: Route, a, seconds: float, prefix: str) -> dict:
    url = f"http://127.0.0.1:{port}{route.path if not route.write else ''}"
    cmd = ["wrk", f"-t{a.threads}", f"-c{a.connections}", f"-d{max(1, round(seconds))}s", "--timeout", f"{a.timeout}s"]
    script = a.scratch / ("write.lua" if route.write else f"read-{abs(hash((route.method, route.body, tuple(route.headers.items()))))}.lua")
    if not script.exists():
        text = ""
        if route.write:
            text = WRITE_LUA.read_text()
        elif route.method != "GET" or route.body or route.headers:
            text = f"wrk.method = {json.dumps(route.method)}\n"
            if route.body:
                text += f"wrk.body = {json.dumps(route.body.decode())}\n"
            for k, v in route.headers.items():
                text += f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n"
        script.write_text(text + REPORT_LUA.read_text())
    cmd += ["-s", str(script), url]
    if route.write:
        cmd += ["--", prefix, route.method, route.path, (route.body or b"").decode()]
        cmd += [f"{k}={v}" for k, v in route.headers.items()]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if p.returncode != 0:
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stderr.strip() or p.stdout.strip()}")
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("wrk printed no report line:\n" + p.stdout + p.stderr)


RUNS = [0]


def prefix(tag: str) -> str:
    """A unique key prefix per wrk run, ending in the run's number (wrk_write.lua derives client IPs from it)."""
    RUNS[0] += 1
    return f"{tag}-{RUNS[0]}"


def measure(proc: Proc, route: Route, a, tag: str) -> dict:
    if a.warmup > 0:
        wrk(proc.port, route, a, a.warmup, prefix(tag + "w"))
    cpu0 = S.cpu_seconds(proc.pid)
    w = wrk(proc.port, route, a, max(a.duration, route.min_duration), prefix(tag))
    cpu1 = S.cpu_seconds(proc.pid)
    if proc.p.poll() is not None:
        raise RuntimeError(f"{proc.name} died:\n{proc.tail()}")
    secs, reqs = w["duration_us"] / 1e6, w["requests"]
    errors = sum(w[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
    return {"rps": reqs / secs if secs else 0.0, "requests": reqs, "p50_ms": w["p50_us"] / 1000,
            "p99_ms": w["p99_us"] / 1000, "cpu_us_per_req": (cpu1 - cpu0) / reqs * 1e6 if reqs else None,
            "cpu_pct": 100 * (cpu1 - cpu0) / secs if secs else 0.0, "rss_mib": S.rss_mib(proc.pid),
            "peak_rss_mib": S.hwm_mib(proc.pid), "errors": errors, "bytes_per_resp": w["bytes"] / reqs if reqs else 0,
            "wrk": w}


def med(runs: list[dict], k: str):
    v = [r[k] for r in runs if r.get(k) is not None]
    return statistics.median(v) if v else None


# ------------------------------------------------------------------ main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=5, help="seconds of wrk per measurement (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="seconds of wrk before each measurement (default 1)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--timeout", type=int, default=10,
                    help="wrk --timeout in seconds (default 10: durable writes at c64 on a busy disk take seconds)")
    ap.add_argument("--only", default="", help="systems, comma list from: " + ",".join(k for k in ORDER if k in SYSTEMS))
    ap.add_argument("--edge-bin", type=Path, default=ROOT / ".build" / "release" / "edge")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    names = [n.strip() for n in a.only.split(",") if n.strip()] or [k for k in ORDER if k in SYSTEMS]
    bad = [n for n in names if n not in SYSTEMS]
    if bad:
        ap.error(f"unknown system(s) {bad}; choose from {[k for k in ORDER if k in SYSTEMS]}")
    if not 1 <= a.rounds <= 50 or not 1 <= a.duration <= 600 or not 0 <= a.warmup <= 60:
        ap.error("--rounds 1..50, --duration 1..600 s, --warmup 0..60 s")
    edge_bin = a.edge_bin.resolve()
    if not os.access(edge_bin, os.X_OK):
        print(f"edge binary not found: {edge_bin} (build it: make release, or pass --edge-bin)", file=sys.stderr)
        return 1
    a.scratch = Path(tempfile.mkdtemp(prefix="edge-routes-", dir=os.environ.get("BENCH_TMPDIR") or None))
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, kill_live)

    started = time.time()
    la0 = S_load()
    st = edge_bin.stat()
    versions = {"edge": f"{edge_bin} ({st.st_size // 1024} KiB, built {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(st.st_mtime))})",
                "deno": S.versions(["deno"], edge_bin).get("deno", "?")}
    print(f"# systems: {', '.join(names)}; {a.rounds} rounds x {a.duration:g}s (+{a.warmup:g}s warm-up) "
          f"wrk -t{a.threads} -c{a.connections}; load average {la0}")
    print(f"#   edge {versions['edge']}\n#   {versions['deno']}")
    if "/debug/" in str(edge_bin):
        print("# WARNING: a debug edge build: its numbers say nothing about release speed", file=sys.stderr)

    rows, failures = [], []
    for sk in names:
        sysm = SYSTEMS[sk]
        procs, provider = {}, None
        try:
            if sysm.provider:
                provider = start_provider(a.scratch)
                sysm.env["PROVIDER_BASE_URL"] = f"http://127.0.0.1:{provider.port}/v1"
            procs = start_pair(sysm, edge_bin, a.scratch)
            facts = {n: sysm.seed(p.port) for n, p in procs.items()}
            if sysm.key == "jobs" and facts["edge"]["objects"] != facts["deno"]["objects"]:
                raise RuntimeError(f"the detectors disagree: edge {facts['edge']['objects']}, deno {facts['deno']['objects']}")
            if sysm.same_facts and facts["edge"] != facts["deno"]:
                raise RuntimeError(f"seeding gave different facts: edge {facts['edge']}, deno {facts['deno']}")
            per_server = {n: sysm.routes(f) for n, f in facts.items()}
            for i, route in enumerate(per_server["edge"]):
                routes = {n: per_server[n][i] for n in procs}
                ident = identity(routes, procs)
                flag = "identical" if ident["identical"] else "DIFFERENT"
                print(f"{route.name:<22} bodies {flag} (status {ident['status']}, bytes {ident['bytes']}"
                      f"{', normalised ' + ','.join(route.normalise) if route.normalise else ''})", flush=True)
                if not ident["identical"]:
                    print(f"   edge: {ident['edge_body']}\n   deno: {ident['deno_body']}", file=sys.stderr)
                runs = {"edge": [], "deno": []}
                for r in range(a.rounds):
                    for n in (("edge", "deno") if r % 2 == 0 else ("deno", "edge")):
                        try:
                            res = measure(procs[n], routes[n], a, f"r{r}{n[0]}")
                        except Exception as exc:  # noqa: BLE001 - report and go on
                            print(f"  round {r + 1} {n}: FAILED {exc}", file=sys.stderr)
                            failures.append({"route": route.name, "server": n, "round": r + 1, "error": str(exc)})
                            continue
                        res["round"] = r + 1
                        runs[n].append(res)
                        print(f"  round {r + 1} {n:<5} {res['rps']:>8.0f} req/s  p99 {res['p99_ms']:7.2f} ms  "
                              f"cpu {res['cpu_us_per_req'] or 0:7.1f} us/req  rss {res['rss_mib']:6.1f} MiB"
                              f"{'  errors ' + str(res['errors']) if res['errors'] else ''}", flush=True)
                summ = {n: {k: med(rs, k) for k in ("rps", "p50_ms", "p99_ms", "cpu_us_per_req", "cpu_pct", "rss_mib",
                                                     "peak_rss_mib", "bytes_per_resp")} | {"errors": sum(x["errors"] for x in rs),
                                                                                          "rounds": len(rs)}
                        for n, rs in runs.items() if rs}
                row = {"system": sysm.title, "route": route.name, "method": route.method, "path": route.path,
                       "note": route.note, "identity": ident, "summary": summ, "runs": runs}
                if "edge" in summ and "deno" in summ:
                    e, d = summ["edge"], summ["deno"]
                    row["ratio_rps"] = e["rps"] / d["rps"] if e["rps"] and d["rps"] else None
                    row["ratio_cpu"] = (d["cpu_us_per_req"] / e["cpu_us_per_req"]
                                        if e["cpu_us_per_req"] and d["cpu_us_per_req"] else None)
                rows.append(row)
        except Exception as exc:  # noqa: BLE001
            print(f"{sysm.title}: FAILED {exc}", file=sys.stderr)
            failures.append({"system": sysm.title, "error": str(exc)})
        finally:
            for p in procs.values():
                p.stop()
            if provider:
                provider.stop()

    la1 = S_load()
    print_table(rows, a)
    print(f"# load average before {la0}, after {la1}; {time.time() - started:.0f}s total")
    out = a.out or ROOT / "bench" / "results" / f"routes-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(started))}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {"bench": "routes", "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
           "config": {"rounds": a.rounds, "duration_s": a.duration, "warmup_s": a.warmup, "threads": a.threads,
                      "connections": a.connections, "timeout_s": a.timeout, "systems": names, "edge_bin": str(edge_bin)},
           "machine": {"cpus": os.cpu_count(), "kernel": platform.release(), "load_before": la0, "load_after": la1},
           "versions": versions, "goal": f"edge >= {GOAL:g}x deno on req/s and on CPU per request",
           "routes": rows, "failures": failures}
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"# wrote {out}")
    subprocess.run(["rm", "-rf", str(a.scratch)], check=False)
    nonidentical = [r["route"] for r in rows if not r["identity"]["identical"]]
    if nonidentical:
        print(f"# bodies differ on: {', '.join(nonidentical)}", file=sys.stderr)
    return 1 if not rows else (2 if failures or nonidentical else 0)


def S_load() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def print_table(rows: list[dict], a) -> None:
    print()
    print(f"# medians of {a.rounds} interleaved rounds; wrk -t{a.threads} -c{a.connections} -d{a.duration:g}s; "
          f"ratio = edge/deno req/s and deno/edge CPU per request (goal >= {GOAL:g}x each)")
    hdr = (f"| {'route':<18} | {'edge req/s':>10} | {'deno req/s':>10} | {'ratio':>5} | {'edge p99':>8} | {'deno p99':>8} "
           f"| {'edge CPU us/req':>15} | {'deno CPU us/req':>15} | {'ratio':>5} | {'edge RSS':>8} | {'deno RSS':>8} | errors | goal |")
    print(hdr)
    print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
    for r in rows:
        s = r["summary"]
        e, d = s.get("edge"), s.get("deno")
        if not e or not d:
            print(f"| {r['route']:<18} | (failed) |")
            continue
        met = (r.get("ratio_rps") or 0) >= GOAL and (r.get("ratio_cpu") or 0) >= GOAL
        f = lambda v, spec, unit="": "-" if v is None else format(v, spec) + unit
        print(f"| {r['route']:<18} | {f(e['rps'], '>10.0f')} | {f(d['rps'], '>10.0f')} | {f(r.get('ratio_rps'), '>4.2f', 'x')} | "
              f"{f(e['p99_ms'], '>5.2f', ' ms')} | {f(d['p99_ms'], '>5.2f', ' ms')} | {f(e['cpu_us_per_req'], '>15.1f')} | "
              f"{f(d['cpu_us_per_req'], '>15.1f')} | {f(r.get('ratio_cpu'), '>4.2f', 'x')} | {f(e['peak_rss_mib'], '>4.0f', ' MiB')} | "
              f"{f(d['peak_rss_mib'], '>4.0f', ' MiB')} | {e['errors']}/{d['errors']} | {'met' if met else 'NOT met'} |")
    print("# errors: wrk's socket errors, timeouts and non-2xx answers, edge/deno, summed over the rounds")
    print("# RSS: peak (VmHWM) of the server's processes (edge: supervisor + workers) since start, at the route's last round")
    bad = [r["route"] for r in rows if not r["identity"]["identical"]]
    print("# bodies byte-identical on every route" if not bad else f"# bodies DIFFER on: {', '.join(bad)}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        kill_live()
