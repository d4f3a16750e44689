#!/usr/bin/env bash
# `edge dev` reload latency (issue 8): time from saving a file to the first response served by
# the new code, for (a) an edited handler and (b) a newly added handler folder. Medians of N (10).
# Also: cold start (launching `edge dev --no-build` on a built copy -> first response), the first save
# after start on its own (it must be as fast as later ones), and, as the reference, `swift build
# --product edge` of the same two changes with edge dev stopped (what the compiler alone takes).
# Goals on the 2-core box (issue 20): edit <= 2 s, new route <= 4 s, first save like later ones.
#
# It runs in a scratch copy of the project (default /tmp/swift-edge-dev-e2e/project, shared with
# the end-to-end test, which keeps its .build: the first run builds everything there, minutes).
#
#   bench/dev/run.sh [RUNS]
#   env: EDGE_DEV_BENCH_DIR  the copy (default /tmp/swift-edge-dev-e2e/project)
#        EDGE_DEV_CMD        the command that runs `edge dev` (default: the copy's .build/debug/edge dev)
#        EDGE_DEV_BENCH_OUT  also write the results as JSON there
set -euo pipefail
runs=${1:-10}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
copy=${EDGE_DEV_BENCH_DIR:-/tmp/swift-edge-dev-e2e/project}

mkdir -p "$copy"
exec 9>"$copy/../copy.lock"
flock 9   # one user of the copy at a time (the end-to-end test uses it too)

echo "==> syncing $root -> $copy"
"$here/copy-project.sh" "$root" "$copy"
cd "$copy"

# The handler the bench edits exists before edge dev starts.
mkdir -p Functions/bench-edit
cat > Functions/bench-edit/BenchEdit.swift <<'SWIFT'
import EdgeRuntime

struct BenchEdit: EdgeFunction {
    static let methods: HTTPMethods = [.get]
    func handle(_ request: Request, context: Context) async throws -> Response {
        .text("edit-0")
    }
}
SWIFT
cleanup() {
  rm -rf "$copy"/Functions/bench-edit "$copy"/Functions/bench-new-*
}
trap cleanup EXIT

echo "==> building the copy (incremental; the first time takes minutes)"
t0=$(date +%s.%N)
${SWIFT:-swift} build --product edge 2>&1 | grep -E "error:|Compiling|Build complete|Linking" | tail -3 || true
echo "    build: $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo "?") s"

if [ -n "${EDGE_DEV_CMD:-}" ]; then
  cmd=$EDGE_DEV_CMD
elif .build/debug/edge help 2>/dev/null | grep -qE '^\s+dev\b'; then
  cmd="$copy/.build/debug/edge dev"
else
  echo "bench/dev: this build of edge has no 'dev' command yet; set EDGE_DEV_CMD (e.g. the dev package's edge-dev-runner)" >&2
  exit 2
fi

# edge dev gets this shell's environment, not python's (pyenv shims change PATH): SwiftPM keys
# its caches on the whole environment, and the build above ran with this one.
env -0 > /tmp/edge-dev-bench.env
python3 - "$copy" "$runs" "$cmd" "${EDGE_DEV_BENCH_OUT:-}" <<'PY'
import http.client, json, os, signal, socket, statistics, subprocess, sys, time

copy, runs, cmd, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
shell_env = dict(kv.split("=", 1) for kv in open("/tmp/edge-dev-bench.env").read().split("\0") if "=" in kv)
env = dict(shell_env, PORT=str(port), HOST="127.0.0.1", LOG_FORMAT="pretty")
log = open("/tmp/edge-dev-bench.log", "w")
launched = time.monotonic()
proc = subprocess.Popen(cmd.split() + ["--no-build"], cwd=copy, env=env, stdout=log, stderr=subprocess.STDOUT)

def get(path):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", path, headers={"connection": "close"})
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        return r.status, body.strip()
    except OSError as e:
        return None, str(e)

def wait_for(path, body, timeout):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        status, text = get(path)
        if status == 200 and text == body:
            return True
        time.sleep(0.01)
    return False

def handler(name, body):
    return f'''import EdgeRuntime

struct {name}: EdgeFunction {{
    static let methods: HTTPMethods = [.get]
    func handle(_ request: Request, context: Context) async throws -> Response {{
        .text("{body}")
    }}
}}
'''

def save(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return time.monotonic()

def settle():
    # Let the previous reload finish (old server drained, route table printed).
    time.sleep(1.5)

try:
    if not wait_for("/bench-edit", "edit-0", 1800):
        sys.exit("edge dev never served /bench-edit; see /tmp/edge-dev-bench.log")
    cold = time.monotonic() - launched
    print(f"  cold start: {cold:.2f} s", flush=True)
    settle()
    edits, news = [], []
    for i in range(1, runs + 1):
        t = save(f"{copy}/Functions/bench-edit/BenchEdit.swift", handler("BenchEdit", f"edit-{i}"))
        if not wait_for("/bench-edit", f"edit-{i}", 120):
            sys.exit(f"edit {i} never served; see /tmp/edge-dev-bench.log")
        edits.append(time.monotonic() - t)
        print(f"  edit {i:2}: {edits[-1]:.2f} s", flush=True)
        settle()
    for i in range(1, runs + 1):
        t = save(f"{copy}/Functions/bench-new-{i}/BenchNew{i}.swift", handler(f"BenchNew{i}", f"new-{i}"))
        if not wait_for(f"/bench-new-{i}", f"new-{i}", 240):
            sys.exit(f"new route {i} never served; see /tmp/edge-dev-bench.log")
        news.append(time.monotonic() - t)
        print(f"  new route {i:2}: {news[-1]:.2f} s", flush=True)
        settle()
    # Removing the new routes while edge dev runs: the compiler driver rebuilds a module whose inputs
    # shrank from scratch (no incremental build), so this is the slow case. Done while running so the
    # next start finds its library state matching the tree.
    t = time.monotonic()
    import shutil
    for i in range(1, runs + 1):
        shutil.rmtree(f"{copy}/Functions/bench-new-{i}", ignore_errors=True)
    removed_s = None
    while time.monotonic() - t < 300:
        status, _ = get(f"/bench-new-{runs}")
        if status == 404:
            removed_s = time.monotonic() - t
            break
        time.sleep(0.05)
    print(f"  routes removed -> gone: {removed_s:.2f} s" if removed_s else "  routes removed: still served after 300 s", flush=True)
    settle()
    warm = [l for l in open("/tmp/edge-dev-bench.log") if "fast reloads ready in" in l or "fast reloads unavailable" in l]
    prepared = warm[0].strip().split("] ", 1)[-1] if warm else "fast reloads: no line in the log"
    print(f"  {prepared}", flush=True)
    # The reference: the compiler alone, for the same kinds of change, with edge dev stopped.
    proc.send_signal(signal.SIGINT)
    proc.wait(30)
    def build():
        t = time.monotonic()
        subprocess.run(["swift", "build", "--product", "edge"], cwd=copy, env=shell_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - t
    build()  # settle the build directory after edge dev
    save(f"{copy}/Functions/bench-edit/BenchEdit.swift", handler("BenchEdit", "edit-ref"))
    build_edit = build()
    save(f"{copy}/Functions/bench-new-ref/BenchNewRef.swift", handler("BenchNewRef", "new-ref"))
    build_new = build()
    print(f"  swift build: edit {build_edit:.2f} s, new route {build_new:.2f} s", flush=True)
    result = {
        "runs": runs,
        "cold_start_s": round(cold, 3),
        "first_save_s": round(edits[0], 3),
        "swift_build_edit_s": round(build_edit, 3),
        "swift_build_new_route_s": round(build_new, 3),
        "edit_median_s": round(statistics.median(edits), 3),
        "edit_min_s": round(min(edits), 3), "edit_max_s": round(max(edits), 3),
        "new_route_median_s": round(statistics.median(news), 3),
        "new_route_min_s": round(min(news), 3), "new_route_max_s": round(max(news), 3),
        "routes_removed_s": round(removed_s, 3) if removed_s else None,
        "fast_reloads": prepared,
        "goals": {"edit_s": 2, "new_route_s": 4},
    }
    print(json.dumps(result, indent=2))
    print(f"edit -> served: median {result['edit_median_s']:.2f} s (goal <= 2 s; swift build alone {build_edit:.2f} s); "
          f"new route -> served: median {result['new_route_median_s']:.2f} s (goal <= 4 s; swift build alone {build_new:.2f} s); "
          f"first save {edits[0]:.2f} s; cold start {cold:.2f} s; {runs} routes removed -> gone "
          f"{removed_s if removed_s else float('nan'):.2f} s; {prepared}")
    if out:
        with open(out, "w") as f:
            json.dump(result, f, indent=2)
finally:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
PY
