#!/usr/bin/env bash
# bench/http/coldstart.sh: cold start (exec -> first 200 on GET /hello) and idle RSS of `edge`,
# with Deno (or any other peer) for comparison. The timing loop is coldstart.py.
#
# Usage: bench/http/coldstart.sh [--runs 15] [--only edge,deno] [--edge-bin PATH] [--poll-ms 0.25]
#                                [--settle 1] [--out FILE]
#   --only LIST   from edge,hummingbird,deno,node,fastapi (default edge,deno)
# Prints median/min/p90/max ms and idle RSS; writes bench/results/coldstart-<UTC time>.json.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
EDGE_BIN="$ROOT/.build/release/edge"
ONLY="edge,deno"
args=("$@")
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="${2:-}"; shift 2 ;;
    --only=*) ONLY="${1#*=}"; shift ;;
    --edge-bin) EDGE_BIN="${2:-}"; shift 2 ;;
    --edge-bin=*) EDGE_BIN="${1#*=}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) shift ;;
  esac
done
SERVERS="${ONLY//,/ }"
# shellcheck source=common.sh
source "$HERE/common.sh"
for s in $SERVERS; do need_server "$s"; done

# Not exec: the EXIT trap in common.sh must outlive Python to kill any server it left behind.
status=0
run_step python3 "$HERE/coldstart.py" "${args[@]}" || status=$?
exit "$status"
