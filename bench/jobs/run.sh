#!/usr/bin/env bash
# bench/jobs/run.sh: system 002's job throughput on edge against the original's shape (FastAPI, an
# in-memory dict, BackgroundTasks, Pillow), same load, same machine, one run, ratio printed.
#
# Usage: bench/jobs/run.sh [--seconds 10] [--submitters 16] [--edge-bin PATH] [--workers N]
#   Load (bench/jobs/load.py): each submitter creates a job with a 16x16 PNG and polls it to `done`.
#   Reported: jobs/s from create to done; create-to-running latency p50/p99 (poll resolution ~2 ms).
#   edge runs `serve` (supervisor + workers unless --workers 0) on a fresh KV directory; the peer runs
#   uvicorn with one worker (the in-memory dict cannot be shared). Installs fastapi, uvicorn, pillow
#   with pip when missing. Writes bench/results/jobs-<UTC time>.json.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SECONDS_=10 SUBMITTERS=16 WORKERS="" EDGE_BIN=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_="$2"; shift 2 ;;
    --submitters) SUBMITTERS="$2"; shift 2 ;;
    --edge-bin) EDGE_BIN="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$EDGE_BIN" ]]; then
  EDGE_BIN="$ROOT/.build/release/edge"
  [[ -x "$EDGE_BIN" ]] || EDGE_BIN="$ROOT/.build/debug/edge"
fi
[[ -x "$EDGE_BIN" ]] || { echo "no edge binary: run 'swift build -c release --product edge' first" >&2; exit 1; }
python3 -c 'import fastapi, uvicorn, PIL' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check fastapi uvicorn pillow >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$1$2" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on :$1 did not start" >&2; return 1; }

KV="$(mktemp -d /tmp/edge-jobs-bench.XXXXXX)"
EDGE_PORT="$(free_port)" PEER_PORT="$(free_port)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$KV"; }
trap cleanup EXIT

args=(serve); [[ -n "$WORKERS" ]] && args+=(--workers "$WORKERS")
(cd "$ROOT" && HOST=127.0.0.1 PORT="$EDGE_PORT" KV_PATH="$KV" ACCESS_LOG=off exec "$EDGE_BIN" "${args[@]}" >/dev/null 2>&1) & pids+=($!)
(cd "$HERE" && exec python3 -m uvicorn peer_app:app --host 127.0.0.1 --port "$PEER_PORT" --log-level warning >/dev/null 2>&1) & pids+=($!)
wait_up "$EDGE_PORT" /health
wait_up "$PEER_PORT" /docs

edge_line="$(python3 "$HERE/load.py" --port "$EDGE_PORT" --submitters "$SUBMITTERS" --seconds "$SECONDS_" --name edge)"
peer_line="$(python3 "$HERE/load.py" --port "$PEER_PORT" --submitters "$SUBMITTERS" --seconds "$SECONDS_" --name fastapi)"
echo "$edge_line"
echo "$peer_line"
mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/jobs-$(date -u +%Y%m%dT%H%M%SZ).json"
python3 - "$edge_line" "$peer_line" "$out" <<'PY'
import json, sys
e, p, out = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
ratio = round(e["jobsPerSecond"] / p["jobsPerSecond"], 2) if p["jobsPerSecond"] else None
print(f"jobs/s edge {e['jobsPerSecond']} vs fastapi {p['jobsPerSecond']}: ratio {ratio}x; "
      f"create->running p50/p99 edge {e['createToRunningP50Ms']}/{e['createToRunningP99Ms']} ms, "
      f"fastapi {p['createToRunningP50Ms']}/{p['createToRunningP99Ms']} ms")
json.dump({"edge": e, "fastapi": p, "ratio": ratio}, open(out, "w"), indent=2)
PY
