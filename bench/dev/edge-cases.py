#!/usr/bin/env python3
"""`edge dev` edge cases against the end-to-end copy of the project (not part of `make test`).

  flock /tmp/swift-edge-dev-e2e/copy.lock python3 bench/dev/edge-cases.py

Runs the copy's built `edge dev --no-build` (sync and build it first: `bench/dev/copy-project.sh . /tmp/swift-edge-dev-e2e/project`
and `swift build --product edge` there) with a route added since that build, then: a new route that does not
compile (404, old version serves, error with file:line), fixed; two saves 50 ms apart; four edit-revert pairs;
a broken and a restored vercel-like.json; a deleted route. Prints PASS/FAIL per check; the log is
/tmp/edge-dev-edge-cases.log.
"""
import http.client, os, shutil, signal, socket, subprocess, sys, time
copy = "/tmp/swift-edge-dev-e2e/project"
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
log = open("/tmp/edge-dev-edge-cases.log", "w")
env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", NO_COLOR="1")
def get(path):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5); c.request("GET", path, headers={"connection": "close"})
        r = c.getresponse(); b = r.read().decode(); c.close(); return r.status, b.strip()
    except OSError as e: return None, str(e)
def wait(path, want, timeout=120):
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        if get(path) == want: return time.monotonic() - t
        time.sleep(0.05)
    return None
def h(name, body, extra=""):
    return f"import EdgeRuntime\n\nstruct {name}: EdgeFunction {{\n    static let methods: HTTPMethods = [.get]\n    func handle(_ request: Request, context: Context) async throws -> Response {{\n        {extra}\n        return .text(\"{body}\")\n    }}\n}}\n"
def save(rel, text):
    p = os.path.join(copy, rel); os.makedirs(os.path.dirname(p), exist_ok=True); open(p, "w").write(text)
def logtext(): return open("/tmp/edge-dev-edge-cases.log").read()
save("Functions/hx/Hx.swift", h("Hx", "x0"))
proc = subprocess.Popen([copy + "/.build/debug/edge", "dev", "--no-build"], cwd=copy, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
ok = True
def check(name, cond):
    global ok
    print(("PASS " if cond else "FAIL ") + name, flush=True); ok = ok and bool(cond)
try:
    check("first serve", wait("/hx", (200, "x0"), 600) is not None)
    t = time.monotonic()
    while "fast reloads ready" not in logtext() and time.monotonic() - t < 300: time.sleep(0.2)
    check("fast reloads ready", "fast reloads ready" in logtext())
    # a) a new route folder whose file does not compile: error shown, old serves; fixed: served
    save("Functions/hy/Hy.swift", h("Hy", "y1", 'let broken: Int = "no"'))
    time.sleep(4)
    check("broken new route: not served, old serves", get("/hy")[0] == 404 and get("/hx") == (200, "x0"))
    check("broken new route: error with file:line", "Functions/hy/Hy.swift:" in logtext())
    save("Functions/hy/Hy.swift", h("Hy", "y1"))
    check("fixed new route served", wait("/hy", (200, "y1")) is not None)
    # b) two saves 50 ms apart: the second wins
    save("Functions/hx/Hx.swift", h("Hx", "x1")); time.sleep(0.05); save("Functions/hx/Hx.swift", h("Hx", "x2"))
    check("rapid double save -> x2", wait("/hx", (200, "x2")) is not None)
    time.sleep(1.5); check("still x2", get("/hx") == (200, "x2"))
    # c) edit then revert right after the reload (same second, same size)
    for i in range(4):
        save("Functions/hx/Hx.swift", h("Hx", "x3")); r1 = wait("/hx", (200, "x3"))
        save("Functions/hx/Hx.swift", h("Hx", "x2")); r2 = wait("/hx", (200, "x2"), 20)
        check(f"edit+revert round {i}: both served", r1 is not None and r2 is not None)
    # d) vercel-like.json broken: old keeps serving; restored: serves
    cfg = os.path.join(copy, "vercel-like.json"); orig = open(cfg).read()
    open(cfg, "w").write(orig[:-5])
    time.sleep(5)
    check("broken config: old serves", get("/hx") == (200, "x2"))
    open(cfg, "w").write(orig)
    time.sleep(5)
    check("config restored: serves", get("/hx") == (200, "x2"))
    # e) delete a route folder: 404
    shutil.rmtree(os.path.join(copy, "Functions/hy"))
    t = time.monotonic()
    while get("/hy")[0] != 404 and time.monotonic() - t < 120: time.sleep(0.1)
    check(f"deleted route -> 404 ({time.monotonic() - t:.1f} s)", get("/hy")[0] == 404)
finally:
    os.killpg(proc.pid, signal.SIGINT)
    try: proc.wait(60)
    except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL)
    for d in ["Functions/hx", "Functions/hy"]: shutil.rmtree(os.path.join(copy, d), ignore_errors=True)
print("ALL PASS" if ok else "SOME FAILED")
