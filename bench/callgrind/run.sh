#!/usr/bin/env bash
# Instructions per request on one route, by callgrind: repeatable on a noisy machine, unlike wall time.
# Runs a stripped copy of the release binary (valgrind 3.19 cannot read DWARF 5) in one process with one
# event loop, sends N1 then N2 keep-alive requests in two runs, and divides the difference of the totals
# by N2 - N1 (start-up and shut-down cancel out).
#   bench/callgrind/run.sh [--route /hello] [--n1 1000] [--n2 3000] [--binary .build/release/edge]
# Extra environment for the server passes through (e.g. EDGE_TEST_X=1 bench/callgrind/run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUTE=/hello N1=1000 N2=3000 BINARY=.build/release/edge
while [ $# -gt 0 ]; do
  case "$1" in
    --route) ROUTE=$2; shift 2 ;;
    --n1) N1=$2; shift 2 ;;
    --n2) N2=$2; shift 2 ;;
    --binary) BINARY=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
[ -x "$BINARY" ] || { echo "no $BINARY: build it with: swift build -c release --product edge" >&2; exit 1; }
WORK=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
cp "$BINARY" "$WORK/edge" && strip "$WORK/edge"

total() {  # total() N -> the program's instruction total for N requests
  local n=$1 port=$((20000 + RANDOM % 20000))
  PORT=$port HOST=127.0.0.1 ACCESS_LOG=off KV_PATH="$WORK/kv-$n" EDGE_CONFIG="$PWD/vercel-like.json" EDGE_EVENT_LOOPS=1 \
    valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.$n" "$WORK/edge" serve --workers 0 >"$WORK/log.$n" 2>&1 &
  local pid=$!
  for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$port$ROUTE" && break; sleep 0.5; done
  python3 bench/callgrind/keepalive_client.py "$port" "$n" "$ROUTE"
  kill -TERM "$pid"; wait "$pid" || true
  callgrind_annotate "$WORK/cg.$n" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }'
}
a=$(total "$N1"); b=$(total "$N2")
echo "route $ROUTE: $(( (b - a) / (N2 - N1) )) instructions/request (totals: $N1 -> $a, $N2 -> $b)"
