#!/usr/bin/env bash
# bench/http/perf-tracing.sh NAME [ENV=VALUE...]: edge serve --workers 0 under wrk -t2 -c64 for 12 s, perf record -g of 8 s of it.
# Release binary (.build/release/edge). Example (Docs/Decisions/0024):
#   bench/http/perf-tracing.sh sampled OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9 OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.01
# Writes OUT/top.txt (self) and OUT/children.txt (inclusive) from perf report.
set -euo pipefail
NAME="$1"; shift
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${PERF_OUT:-/tmp}/edge-perf-$NAME"
rm -rf "$OUT"; mkdir -p "$OUT"
env PORT=0 HOST=127.0.0.1 LOG_FORMAT=json ACCESS_LOG=off KV_PATH="$OUT/kv" EDGE_CONFIG="$ROOT/vercel-like.json" "$@" \
  "$ROOT/.build/release/edge" serve --workers 0 >"$OUT/log" 2>&1 &
pid=$!
port=""
for _ in $(seq 300); do
  port="$(grep -o '"url":"http://127.0.0.1:[0-9]*' "$OUT/log" 2>/dev/null | grep -o '[0-9]*$' || true)"
  [[ -n "$port" ]] && break; sleep 0.1
done
[[ -n "$port" ]] || { cat "$OUT/log"; kill $pid; exit 1; }
wrk -t2 -c64 -d12s "http://127.0.0.1:$port/hello" >"$OUT/wrk" 2>&1 &
wpid=$!
sleep 2
perf record -e cpu-clock -g -p $pid -o "$OUT/perf.data" -- sleep 8 2>"$OUT/perf.err" || true
wait $wpid || true
kill -TERM $pid; wait $pid || true
grep -E "Requests/sec|Latency" "$OUT/wrk"
perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -v "^#" | grep "%" | head -40 > "$OUT/top.txt"
perf report -i "$OUT/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -v "^#" | grep "%" | head -60 > "$OUT/children.txt"
echo "$OUT"
