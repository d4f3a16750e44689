#!/usr/bin/env bash
# bench/fetch/soak.sh: holds ONE SSE stream for 6 minutes (not part of `make test`).
# Fails (exit 1) if the stream errors, ends early, or has a gap over 30 s.
#
# Usage: bench/fetch/soak.sh [--url FULL_SSE_URL] [--seconds N] [--bench PATH]
#   --url      an SSE URL to hold (default: a local bench/fetch/upstream.py stream, 1 event/s);
#              point it at an `edge` route to soak the proxy path.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
URL="" SECONDS_TO_HOLD=360 BENCH="${FETCH_BENCH:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --url) URL="$2"; shift 2 ;;
    --seconds) SECONDS_TO_HOLD="$2"; shift 2 ;;
    --bench) BENCH="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=common.sh
source "$HERE/common.sh"
ensure_fetch_bench
if [[ -z "$URL" ]]; then
  start_local_upstream
  URL="$UPSTREAM_BASE/sse?n=$((SECONDS_TO_HOLD + 30))&interval_ms=1000"
fi
echo "# soaking $URL for ${SECONDS_TO_HOLD}s"
"$BENCH" soak "$URL" "$SECONDS_TO_HOLD"
