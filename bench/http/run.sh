#!/usr/bin/env bash
# bench/http/run.sh: `edge` hello route against bare Hummingbird 2, Deno.serve, Node http and
# FastAPI/uvicorn under wrk, interleaved rounds, medians and ratios. See bench/http/README.md.
#
# Usage: bench/http/run.sh [--rounds N] [--duration 10s] [--warmup 3s] [--only edge,hummingbird,...]
#                          [--edge-bin PATH] [--edge-log] [--threads 2] [--connections 64] [--out FILE]
#                          [--route hello|kv]
#   --rounds N        rounds; each runs every server once, in the same order (default 5)
#   --duration D      wrk -d per measurement (default 10s); --warmup D before it (default 3s)
#   --only LIST       servers from: edge,edge-nometrics,edge-traced,edge-sampled,edge-sampled-otel,edge-1proc,edge-log,hummingbird,deno,node,fastapi,
#                     nio-raw,epoll-proto,epoll-proto-task (Docs/Decisions/0031's engine prototype)
#                     (edge-nometrics: edge with EDGE_METRICS=off, the baseline of the metrics cost)
#                     (edge-traced: edge exporting a span per request to a loopback OTLP sink;
#                      edge-sampled: the same with 1% of traces sampled, as production would run it;
#                      edge-sampled-otel: 1% by swift-otel's own sampler, a span object per request: 0024)
#                     (edge: supervisor + workers, the default; edge-1proc: --workers 0)
#                     (default: edge,hummingbird,deno,node,fastapi)
#   --route R         hello (GET /hello, default) or kv (GET /hello/kv: one KV read per request; servers
#                     edge, edge-1proc and deno, which reads Deno KV; default: those three)
#   --edge-bin PATH   the edge binary (default: .build/release/edge of this checkout)
#   --edge-log        also run "edge-log": edge with its JSON access log written to a file
#                     (plain "edge" sends it to /dev/null); the table shows both
# Installs what the chosen peers need (pip: deno, fastapi, uvicorn; apt: wrk, nodejs) and builds
# bench/http/hummingbird-bare once. Prints a table; writes bench/results/http-<UTC time>.json.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
EDGE_BIN="$ROOT/.build/release/edge"
ONLY="" EDGE_LOG=0 ROUTE=hello
args=("$@")
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="${2:-}"; shift 2 ;;
    --only=*) ONLY="${1#*=}"; shift ;;
    --edge-bin) EDGE_BIN="${2:-}"; shift 2 ;;
    --edge-bin=*) EDGE_BIN="${1#*=}"; shift ;;
    --edge-log) EDGE_LOG=1; shift ;;
    --route) ROUTE="${2:-}"; shift 2 ;;
    --route=*) ROUTE="${1#*=}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) shift ;;
  esac
done
SERVERS="${ONLY//,/ }"
if [[ -z "$SERVERS" ]]; then
  if [[ "$ROUTE" == kv ]]; then SERVERS="edge edge-1proc deno"; else SERVERS="edge hummingbird deno node fastapi"; fi
fi
(( EDGE_LOG )) && SERVERS="$SERVERS edge-log"
# shellcheck source=common.sh
source "$HERE/common.sh"

command -v wrk >/dev/null || apt_install wrk
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
for s in $SERVERS; do need_server "$s"; done
ulimit -n 65536 2>/dev/null || true

# Not exec: the EXIT trap in common.sh must outlive Python to kill any server it left behind.
status=0
run_step python3 "$HERE/run.py" "${args[@]}" || status=$?
exit "$status"
