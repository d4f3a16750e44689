#!/usr/bin/env bash
# bench/persephone/run.sh: system 003's upload throughput and status latency, in one run.
#
# Usage: bench/persephone/run.sh [--mib 500] [--clients 100] [--seconds 10] [--edge-bin PATH]
#   1. A --mib file (zip magic, then zeros) is uploaded with `curl -F file=@...` to edge's POST /upload
#      and, as floors, with `curl --data-binary` to a plain Python file sink (bench/persephone/sink.py)
#      twice: answering once the bytes are written (page cache) and once they are fsync'ed (what edge
#      does before it answers); all on loopback, all to disk. Reported: MB/s each, both ratios, edge's
#      peak RSS growth (VmHWM of its processes). Goals (issue 16): >= 300 MB/s and >= 0.8x the sink,
#      growth <= 32 MiB. The disk's own durable write rate (dd conv=fsync) bounds the durable figures.
#      That upload runs alone, as the sinks' do.
#   2. While edge receives a second upload of the file, --clients keep-alive clients poll GET /prepare/status every 2 s
#      as the UI does, for --seconds (bench/persephone/poll.py): p50/p99 (goal p99 < 50 ms). Then the
#      same URL at saturation: `wrk -c --clients --latency` for 5 s (req/s, p99), which measures the
#      server's capacity rather than the Python client's threads.
#   Use a release binary (`swift build -c release --product edge`); the debug one is several times slower.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MIB=500 CLIENTS=100 SECONDS_=10 EDGE_BIN=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mib) MIB="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --seconds) SECONDS_="$2"; shift 2 ;;
    --edge-bin) EDGE_BIN="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$EDGE_BIN" ]]; then
  EDGE_BIN="$ROOT/.build/release/edge"
  [[ -x "$EDGE_BIN" ]] || EDGE_BIN="$ROOT/.build/debug/edge"
fi
[[ -x "$EDGE_BIN" ]] || { echo "no edge binary: run 'swift build -c release --product edge' first" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -sS -o /dev/null "http://127.0.0.1:$1$2" 2>/dev/null && return 0; sleep 0.1; done; echo "server on :$1 did not start" >&2; return 1; }

WORK="$(mktemp -d /tmp/edge-persephone-bench.XXXXXX)"
EDGE_PORT="$(free_port)" SINK_PORT="$(free_port)" DSINK_PORT="$(free_port)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/up" "$WORK/sink"
(cd "$ROOT" && HOST=127.0.0.1 PORT="$EDGE_PORT" KV_PATH="$WORK/kv" UPLOAD_DIR="$WORK/up" ACCESS_LOG=off exec "$EDGE_BIN" serve >/dev/null 2>&1) & pids+=($!)
EDGE_PID=${pids[0]}
(exec python3 "$HERE/sink.py" "$SINK_PORT" "$WORK/sink") & pids+=($!)
(exec python3 "$HERE/sink.py" "$DSINK_PORT" "$WORK/sink" fsync) & pids+=($!)
wait_up "$EDGE_PORT" "/prepare/status"
wait_up "$SINK_PORT" "/"
wait_up "$DSINK_PORT" "/"

FILE="$WORK/artifact.zip"
{ printf 'PK\003\004'; head -c $((MIB * 1048576 - 4)) /dev/zero; } > "$FILE"
hwm() { local t=0; for p in $EDGE_PID $(pgrep -P "$EDGE_PID" || true); do v=$(awk '/VmHWM/ {print $2}' /proc/$p/status 2>/dev/null || echo 0); [[ $v -gt $t ]] && t=$v; done; echo "$t"; }
printf 'PK\003\004seed' > "$WORK/seed.zip"
curl -sS -o "$WORK/seed.json" -F "file=@$WORK/seed.zip" "http://127.0.0.1:$EDGE_PORT/upload"
RUN_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runId"])' "$WORK/seed.json")
# Throughput: the upload alone, as the sinks below are measured.
before=$(hwm)
edge_s=$(curl -sS -o "$WORK/edge.json" -w '%{time_total}' -F "file=@$FILE" "http://127.0.0.1:$EDGE_PORT/upload")
after=$(hwm)
# Status latency: the same upload again while the UI-shaped pollers run.
python3 "$HERE/poll.py" "$EDGE_PORT" "$RUN_ID" "$CLIENTS" "$SECONDS_" 2 > "$WORK/poll.json" & poller=$!
sleep 2
polled_s=$(curl -sS -o /dev/null -w '%{time_total}' -F "file=@$FILE" "http://127.0.0.1:$EDGE_PORT/upload")
wait "$poller"
poll=$(cat "$WORK/poll.json")
sink_s=$(curl -sS -o /dev/null -w '%{time_total}' --data-binary "@$FILE" -H 'content-type: application/octet-stream' "http://127.0.0.1:$SINK_PORT/")
dsink_s=$(curl -sS -o /dev/null -w '%{time_total}' --data-binary "@$FILE" -H 'content-type: application/octet-stream' "http://127.0.0.1:$DSINK_PORT/")
dd_s=$( { /usr/bin/time -f '%e' dd if="$FILE" of="$WORK/sink/dd.bin" bs=1M conv=fsync status=none; } 2>&1 ); rm -f "$WORK/sink/dd.bin"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))["runId"]' "$WORK/edge.json"
wrk_out=$(wrk -t2 -c"$CLIENTS" -d5s --latency "http://127.0.0.1:$EDGE_PORT/prepare/status?runId=$RUN_ID")
wrk_rps=$(awk '/Requests\/sec/ {print $2}' <<<"$wrk_out")
wrk_p99=$(awk '$1 == "99%" {print $2}' <<<"$wrk_out")
mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/persephone-$(date -u +%Y%m%dT%H%M%SZ).json"
python3 - "$MIB" "$edge_s" "$sink_s" "$before" "$after" "$poll" "$out" "$EDGE_BIN" "$dsink_s" "$dd_s" "$wrk_rps" "$wrk_p99" "$polled_s" <<'PY'
import json, sys
mib, e, s, before, after, poll, out, binary = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), json.loads(sys.argv[6]), sys.argv[7], sys.argv[8]
d, dd, wrk_rps, wrk_p99, polled = float(sys.argv[9]), float(sys.argv[10]), float(sys.argv[11]), sys.argv[12], float(sys.argv[13])
mb = mib * 1048576 / 1e6
r = {"binary": binary, "mib": mib, "edgeMBps": round(mb / e, 1), "sinkMBps": round(mb / s, 1), "ratio": round(s / e, 2),
     "durableSinkMBps": round(mb / d, 1), "durableRatio": round(d / e, 2), "diskFsyncMBps": round(mb / dd, 1),
     "peakRssGrowthMiB": round((after - before) / 1024, 1), "statusPoll": poll, "edgeMBpsWhilePolled": round(mb / polled, 1),
     "statusSaturation": {"connections": poll["clients"], "rps": wrk_rps, "p99": wrk_p99}}
print(f"upload {mib} MiB: edge {r['edgeMBps']} MB/s (fsync'ed); sink {r['sinkMBps']} MB/s (page cache), ratio {r['ratio']}x; "
      f"durable sink {r['durableSinkMBps']} MB/s, ratio {r['durableRatio']}x; disk dd conv=fsync {r['diskFsyncMBps']} MB/s; "
      f"peak RSS growth {r['peakRssGrowthMiB']} MiB; status p50/p99 {poll['p50Ms']}/{poll['p99Ms']} ms over {poll['clients']} "
      f"clients polling every 2 s during a second upload ({poll['requests']} requests, {poll['errors']} errors; that upload {r['edgeMBpsWhilePolled']} MB/s); "
      f"saturated by wrk -c{poll['clients']}: {wrk_rps:.0f} req/s, p99 {wrk_p99}")
json.dump(r, open(out, "w"), indent=2)
PY
