#!/usr/bin/env bash
# bench/http/callgrind.sh: instructions per request on one route (default GET /hello) of one
# `edge serve --workers 0`, by callgrind
# (repeatable where req/s is not). Runs the server under callgrind twice, with N1 and N2 keep-alive
# requests to GET /hello, and divides the difference of the instruction totals by N2 - N1, so start-up
# and shutdown cancel out. valgrind 3.19 cannot read DWARF5: a stripped copy of the binary is measured.
#
# The binary must be built with `--static-swift-stdlib` (`make release`): valgrind 3.19 crashes at start-up
# on the dynamically linked one.
#
# Usage: bench/http/callgrind.sh [--edge-bin PATH] [--route /hello] [--n1 500] [--n2 5500] [ENV=VALUE ...]
#   ENV=VALUE pairs go to the server's environment (e.g. EDGE_METRICS=off for the metrics baseline).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
EDGE_BIN="$ROOT/.build/release/edge" N1=500 N2=5500 ROUTE=/hello
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --edge-bin) EDGE_BIN="$2"; shift 2 ;;
    --route) ROUTE="$2"; shift 2 ;;
    --n1) N1="$2"; shift 2 ;;
    --n2) N2="$2"; shift 2 ;;
    *=*) extra+=("$1"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
WORK="$(mktemp -d /tmp/edge-callgrind-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp "$EDGE_BIN" "$WORK/edge" && strip "$WORK/edge"

run() {  # run N: prints the instruction total of a server that answered N requests
  local n="$1" port
  rm -rf "$WORK/kv" "$WORK/out" "$WORK/log"
  env PORT=0 HOST=127.0.0.1 LOG_FORMAT=json ACCESS_LOG=off KV_PATH="$WORK/kv" EDGE_CONFIG="$ROOT/vercel-like.json" "${extra[@]}" \
    valgrind --tool=callgrind --callgrind-out-file="$WORK/out" "$WORK/edge" serve --workers 0 >"$WORK/log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    port="$(grep -o '"url":"http://127.0.0.1:[0-9]*' "$WORK/log" 2>/dev/null | grep -o '[0-9]*$' || true)"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "the server did not start:" >&2; cat "$WORK/log" >&2; kill "$pid"; exit 1; }
  python3 - "$port" "$n" "$ROUTE" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=60)
for _ in range(int(sys.argv[2])):
    c.request("GET", sys.argv[3])
    r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
  kill -TERM "$pid"; wait "$pid" || true
  grep -E '^(summary|totals):' "$WORK/out" | head -1 | awk '{print $2}'
}
a="$(run "$N1")"; b="$(run "$N2")"
echo "$ROUTE: instructions per request: $(( (b - a) / (N2 - N1) )) (totals $a at $N1 requests, $b at $N2; ${extra[*]:-default environment})"
