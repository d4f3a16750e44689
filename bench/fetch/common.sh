# bench/fetch/common.sh: sourced by run.sh and soak.sh. Needs HERE (this folder) and BENCH (may be empty).

# Builds FetchBench (release) unless BENCH already names a binary; sets BENCH.
ensure_fetch_bench() {
  [[ -n "$BENCH" ]] && return 0
  local pkg="${FETCH_PACKAGE:-$(cd "$HERE/../.." && pwd)}"
  swift build -c release --product FetchBench --package-path "$pkg" >&2
  BENCH="$(swift build -c release --package-path "$pkg" --show-bin-path)/FetchBench"
}

# Starts bench/fetch/upstream.py on a free port (killed on exit); sets UPSTREAM_BASE=http://127.0.0.1:PORT.
UP_PID=""
trap '[[ -n "$UP_PID" ]] && kill "$UP_PID" 2>/dev/null || true' EXIT
start_local_upstream() {
  local log
  log="$(mktemp)"
  python3 "$HERE/upstream.py" >"$log" 2>&1 &
  UP_PID=$!
  for _ in $(seq 100); do grep -q PORT "$log" && break; sleep 0.05; done
  UPSTREAM_BASE="http://127.0.0.1:$(awk '/PORT/{print $2}' "$log")"
}
