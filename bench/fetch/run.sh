#!/usr/bin/env bash
# bench/fetch/run.sh: per-SSE-event latency, large-body throughput and 1000 concurrent slow streams,
# comparing our Fetch client (FetchBench, in-process) with a direct client (python / curl CLI),
# and optionally a proxied path (e.g. an `edge` route that forwards to the same upstream).
#
# Usage: bench/fetch/run.sh [--upstream BASE] [--proxied BASE] [--proxied-pid PID]
#                           [--streams N] [--events N] [--big BYTES] [--bench PATH]
#   --upstream BASE     upstream base URL (default: start bench/fetch/upstream.py on a free port)
#   --proxied BASE      base URL that forwards `/sse?…` and `/big?…` (path + query) to the upstream;
#                       measured with the direct clients, so "proxied vs direct" is the proxy's cost
#   --proxied-pid PID   the proxy process, to report its peak RSS and CPU during the concurrent run
#   --bench PATH        a FetchBench binary (default: swift build -c release --product FetchBench)
# Every measurement prints one key=value line; the summary prints the ratios.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
UPSTREAM="" PROXIED="" PROXIED_PID="" STREAMS=1000 EVENTS=2000 BIG=$((1024 * 1024 * 1024)) BENCH="${FETCH_BENCH:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --upstream) UPSTREAM="$2"; shift 2 ;;
    --proxied) PROXIED="$2"; shift 2 ;;
    --proxied-pid) PROXIED_PID="$2"; shift 2 ;;
    --streams) STREAMS="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --big) BIG="$2"; shift 2 ;;
    --bench) BENCH="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=common.sh
source "$HERE/common.sh"
ensure_fetch_bench
if [[ -z "$UPSTREAM" ]]; then
  start_local_upstream
  UPSTREAM="$UPSTREAM_BASE"
fi
ulimit -n 65536 2>/dev/null || true

SSE="/sse?n=$EVENTS&interval_ms=2"
SLOW="/sse?n=50&interval_ms=100"
BIGP="/big?size=$BIG"
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
proc_cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }  # utime+stime, in seconds at 100 Hz
proc_hwm() { awk '/VmHWM/{print $2 / 1024}' "/proc/$1/status"; }

echo "# upstream: $UPSTREAM  proxied: ${PROXIED:-none}  bench: $BENCH"
D_LAT=$(python3 "$HERE/direct_client.py" sse-latency "$UPSTREAM$SSE");            echo "direct  $D_LAT"
F_LAT=$("$BENCH" sse-latency "$UPSTREAM$SSE");                                   echo "fetch   $F_LAT"
D_TP=$(curl -s -o /dev/null -w '%{speed_download}' "$UPSTREAM$BIGP");             echo "direct  mode=throughput bytes_per_s=${D_TP%.*} (curl CLI)"
F_TPL=$("$BENCH" throughput "$UPSTREAM$BIGP");                                   echo "fetch   $F_TPL"
D_CON=$(python3 "$HERE/direct_client.py" concurrent "$UPSTREAM$SLOW" "$STREAMS"); echo "direct  $D_CON"
F_CON=$("$BENCH" concurrent "$UPSTREAM$SLOW" "$STREAMS");                        echo "fetch   $F_CON"
if [[ -n "$PROXIED" ]]; then
  P_LAT=$(python3 "$HERE/direct_client.py" sse-latency "$PROXIED$SSE");           echo "proxied $P_LAT"
  P_TP=$(curl -s -o /dev/null -w '%{speed_download}' "$PROXIED$BIGP");            echo "proxied mode=throughput bytes_per_s=${P_TP%.*} (curl CLI)"
  [[ -n "$PROXIED_PID" ]] && CPU0=$(proc_cpu "$PROXIED_PID")
  P_CON=$(python3 "$HERE/direct_client.py" concurrent "$PROXIED$SLOW" "$STREAMS"); echo "proxied $P_CON"
  [[ -n "$PROXIED_PID" ]] && echo "proxied process pid=$PROXIED_PID rss_peak_mib=$(proc_hwm "$PROXIED_PID") cpu_s=$(echo "$(proc_cpu "$PROXIED_PID") - $CPU0" | bc)"
fi

summary() {  # label latency-line throughput concurrent-line
  local p50 p99 dp50 dp99
  p50=$(echo "$2" | field p50_us); p99=$(echo "$2" | field p99_us)
  dp50=$(echo "$D_LAT" | field p50_us); dp99=$(echo "$D_LAT" | field p99_us)
  printf '%-8s added latency per SSE event: p50 %+.1f us, p99 %+.1f us | throughput %.2fx direct | concurrent %s/%s completed, rss_peak %s MiB, cpu %s%%\n' \
    "$1" "$(echo "$p50 - $dp50" | bc)" "$(echo "$p99 - $dp99" | bc)" "$(echo "$3 / ${D_TP%.*}" | bc -l)" \
    "$(echo "$4" | field completed)" "$STREAMS" "$(echo "$4" | field rss_peak_mib)" "$(echo "$4" | field cpu_pct)"
}
echo "# summary (goal: p99 added <= 1000 us, throughput >= 0.8x, all streams complete, RSS <= 256 MiB)"
summary fetch "$F_LAT" "$(echo "$F_TPL" | field bytes_per_s)" "$F_CON"
[[ -n "$PROXIED" ]] && summary proxied "$P_LAT" "${P_TP%.*}" "$P_CON"
exit 0
