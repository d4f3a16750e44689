#!/usr/bin/env bash
# bench/http/callgrind.sh: instructions per request on one route (default GET /hello) of one
# `edge serve --workers 0`, by callgrind (repeatable where req/s is not on a shared machine).
#
# Each round runs the server under callgrind twice, with N1 and N2 keep-alive requests, and divides the
# difference of the instruction totals by N2 - N1, so start-up and shutdown cancel out. What does not cancel
# is the work timers do by wall-clock time (queue polling, exporters' schedules: about 1M instructions per
# second on an idle server), which valgrind stretches with the run and a loaded machine stretches further:
# uncorrected, one configuration's figure moves by 1-4k between runs. So the script also measures an idle
# server's instructions per second (two idle runs) and subtracts that rate times the difference of the two
# request loops' durations. Prints each round and the median.
#
# valgrind 3.19 cannot read DWARF5: a copy of the binary stripped of debug info is measured. The binary must
# be built with `--static-swift-stdlib` (`make release`): valgrind 3.19 crashes at start-up on the
# dynamically linked one.
#
# Usage: bench/http/callgrind.sh [--edge-bin PATH] [--route /hello] [--n1 300] [--n2 2300] [--rounds 3]
#                                [ENV=VALUE ...]
#   ENV=VALUE pairs go to the server's environment (e.g. EDGE_METRICS=off for the metrics baseline;
#   OTEL_EXPORTER_OTLP_ENDPOINT=... with a listening sink for tracing).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
EDGE_BIN="$ROOT/.build/release/edge" N1=300 N2=2300 ROUTE=/hello ROUNDS=3
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --edge-bin) EDGE_BIN="$2"; shift 2 ;;
    --route) ROUTE="$2"; shift 2 ;;
    --n1) N1="$2"; shift 2 ;;
    --n2) N2="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *=*) extra+=("$1"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
WORK="$(mktemp -d /tmp/edge-callgrind-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp "$EDGE_BIN" "$WORK/edge" && strip --strip-debug "$WORK/edge"

# run N: serves N requests (or, with N=idle:S, none for S seconds); prints "<instructions> <seconds>", the
# seconds being the request loop's (or the idle wait's).
run() {
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
  local seconds
  seconds="$(python3 - "$port" "$n" "$ROUTE" <<'PY'
import http.client, sys, time
port, n, route = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t0 = time.monotonic()
if n.startswith("idle:"):
    time.sleep(float(n[5:]))
else:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(int(n)):
        c.request("GET", route)
        r = c.getresponse(); r.read()
        assert r.status == 200, r.status
print(f"{time.monotonic() - t0:.3f}")
PY
)"
  kill -TERM "$pid"; wait "$pid" || true
  echo "$(grep -E '^(summary|totals):' "$WORK/out" | head -1 | awk '{print $2}') $seconds"
}

ms() { echo $(( 10#${1/./} )); }  # "12.345" seconds -> 12345
read -r i5 s5 <<<"$(run idle:5)"; read -r i25 s25 <<<"$(run idle:25)"
rate=$(( (i25 - i5) * 1000 / ($(ms "$s25") - $(ms "$s5")) ))  # instructions per second
echo "idle: $rate instructions per second"
figures=()
for r in $(seq "$ROUNDS"); do
  read -r a sa <<<"$(run "$N1")"; read -r b sb <<<"$(run "$N2")"
  raw=$(( (b - a) / (N2 - N1) ))
  corrected=$(( (b - a - rate * ($(ms "$sb") - $(ms "$sa")) / 1000) / (N2 - N1) ))
  figures+=("$corrected")
  echo "round $r: $corrected per request (uncorrected $raw; loops ${sa}s and ${sb}s)"
done
median=$(printf '%s\n' "${figures[@]}" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}')
echo "$ROUTE: instructions per request: $median (median of $ROUNDS rounds, $N1 and $N2 requests, idle work subtracted; ${extra[*]:-default environment})"
