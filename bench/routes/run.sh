#!/usr/bin/env bash
# bench/routes/run.sh: the seed systems' hot routes, `edge` against a Deno peer per system (issue 21,
# item 1). See bench/routes/README.md.
#
# Usage: bench/routes/run.sh [--rounds 3] [--duration 5] [--warmup 1] [--only director,jobs,persephone,vlm]
#                            [--edge-bin PATH] [--threads 2] [--connections 64] [--out FILE]
#   --rounds N      interleaved rounds per route (edge, deno, then deno, edge, ...; default 3)
#   --duration S    seconds of wrk per measurement (default 5); --warmup S before each (default 1)
#   --only LIST     systems to run (default: all that have a peer)
#   --edge-bin PATH the edge binary (default: .build/release/edge of this checkout)
# Installs what is missing (apt: wrk; pip: deno). Never builds edge. Prints a table (route, req/s,
# p99, CPU us per request, peak RSS, ratios against the >= 2x goal) and writes
# bench/results/routes-<UTC time>.json. Exit 0; 2 if a run failed or bodies differ; 1 if nothing ran.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
for arg in "$@"; do
  case "$arg" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
done
SUDO=""; [[ "$(id -u)" = 0 ]] || SUDO=sudo
if ! command -v wrk >/dev/null; then
  echo "==> apt-get install wrk" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >&2
fi
if ! command -v deno >/dev/null; then
  echo "==> pip install deno" >&2
  python3 -m pip install -q --disable-pip-version-check deno >&2
  hash -r
fi
command -v deno >/dev/null || { echo "deno not on PATH after pip install deno" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || true
exec python3 "$HERE/run.py" "$@"
