#!/usr/bin/env bash
# Fuzz a live `edge serve` with its own OpenAPI document (schemathesis, PyPI), as `make test` does.
#
#   conformance/openapi/run.sh <path-to-edge-binary>
#
# Starts the real binary (supervisor + 2 workers) on a free port with a fresh KV directory and the env the
# five apps need; every upstream (001's provider, 004's BigModel/OpenRouter, 000's tip-menu origins) is a
# closed local port, so those routes must answer their documented 502. Makes a run, a job and a default
# prompt through the API (seed.py), then runs schemathesis on the document the server serves
# (GET /openapi.json) with schemathesis.toml (deterministic generation, bounded examples)
# and fails on any failed check, on a 5xx other than an upstream route's 502 in the access log, on a
# worker restart, or when the server is no longer running at the end. Prints the number of generated
# test cases. Needs python3 with schemathesis (make test-deps installs it).
#
# Environment: OPENAPI_FUZZ_MAX_EXAMPLES overrides the examples per operation (default: the toml's 10);
# OPENAPI_DOCUMENT fuzzes with that file instead of the served document (for editing it without a rebuild).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 <path-to-edge-binary>" >&2
  exit 2
fi
EDGE="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
python3 -c 'import schemathesis' 2>/dev/null || { echo "openapi: schemathesis is not installed (make test-deps)" >&2; exit 2; }

WORK="$(mktemp -d /tmp/edge-openapi.XXXXXX)"
LOG="$WORK/edge.log"
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null
  fi
  rm -rf "$WORK/kv" "$WORK/uploads" "$WORK/.schemathesis" "$WORK/.hypothesis"
}
trap cleanup EXIT

# A port nothing listens on: bound, then closed.
CLOSED=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
UPSTREAM="http://127.0.0.1:$CLOSED"
TOKEN="openapi-fuzz-token"

env -i PATH="$PATH" HOME="$WORK" PORT=0 HOST=127.0.0.1 KV_PATH="$WORK/kv" \
  EDGE_ADMIN_TOKEN="$TOKEN" \
  DIRECTOR__TIP_MENU_ORIGINS="$UPSTREAM" \
  CHAT__PROVIDER_BASE_URL="$UPSTREAM/v1" CHAT__PROVIDER_API_KEY=sk-fuzz CHAT__PERSIST_TRANSCRIPTS=true \
  CHAT__RATE_LIMIT_MAX=5000 CHAT__TITLE_MODEL=title-model \
  PERSEPHONE__UPLOAD_DIR="$WORK/uploads" PERSEPHONE__PREPARE_STEP_MS=50 PERSEPHONE__DEPLOY_MS=100 \
  VLM__ADMIN_TOKEN="$TOKEN" VLM__BIGMODEL_API_KEY=bm-fuzz VLM__OPENROUTER_API_KEY=or-fuzz \
  VLM__BIGMODEL_BASE_URL="$UPSTREAM" VLM__OPENROUTER_BASE_URL="$UPSTREAM" \
  VLM__WRITE_RL_LIMIT=1000000 VLM__VISION_RL_LIMIT=1000000 \
  "$EDGE" serve --workers 2 >"$LOG" 2>&1 &
PID=$!

PORT=""
for _ in $(seq 1 400); do
  PORT=$(grep -m1 '"msg":"listening"' "$LOG" 2>/dev/null | sed -n 's/.*"url":"http:\/\/127\.0\.0\.1:\([0-9]*\)".*/\1/p')
  [ -n "$PORT" ] && break
  kill -0 "$PID" 2>/dev/null || { echo "openapi: edge exited during start-up:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.05
done
[ -n "$PORT" ] || { echo "openapi: edge did not report listening within 20 s" >&2; cat "$LOG" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
echo "==> openapi: edge serve (pid $PID) on $BASE; upstreams at the closed port $CLOSED"

# Real resources to aim at (a run, a job, a default prompt), made through the API (seed.py).
if ! SEED=$(python3 "$HERE/seed.py" "$BASE" "$TOKEN"); then
  echo "openapi: seeding through the API failed" >&2; tail -20 "$LOG" >&2; exit 1
fi
eval "export $(echo $SEED)"
echo "==> openapi: seeded $(echo $SEED)"

EXTRA=()
[ -n "${OPENAPI_FUZZ_MAX_EXAMPLES:-}" ] && EXTRA+=(--max-examples "$OPENAPI_FUZZ_MAX_EXAMPLES")
OUT="$WORK/schemathesis.txt"
START=$(date +%s)
# In $WORK: schemathesis keeps a crash cache (.schemathesis/) and hypothesis a database (.hypothesis/) in the
# current directory; each run starts without them, so every run makes the same cases.
(cd "$WORK" && SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$HERE" \
  python3 -m schemathesis.cli --config-file "$HERE/schemathesis.toml" --no-color run "${OPENAPI_DOCUMENT:-$BASE/openapi.json}" \
  --url "$BASE" -H "x-admin-token: $TOKEN" --phases examples,coverage,fuzzing "${EXTRA[@]}" \
  --report junit --report-junit-path "$WORK/junit.xml" >"$OUT" 2>&1)
ST=$?
ELAPSED=$(( $(date +%s) - START ))
cat "$OUT"

FAIL=0
[ $ST -eq 0 ] || { echo "openapi: schemathesis reported failures (exit $ST)"; FAIL=1; }
if ! kill -0 "$PID" 2>/dev/null; then
  echo "openapi: edge is no longer running"; FAIL=1
fi
if grep -q '"worker exited; restarting"' "$LOG"; then
  echo "openapi: a worker crashed during the run:"; grep '"worker exited; restarting"' "$LOG"; FAIL=1
fi
# 5xx in the access log: only the upstream routes' 502 is expected.
BAD=$(grep '"msg":"request",' "$LOG" | grep '"status":5[0-9][0-9]' \
  | awk '!(/"status":502[,}]/ && /"route":"\/(v1\/chat\/completions|v1\/vision\/analyze|v1\/vision\/stream|api\/tip-menu)"/)' || true)
if [ -n "$BAD" ]; then
  echo "openapi: unexpected 5xx answers:"; echo "$BAD" | head -20; FAIL=1
fi
REQUESTS=$(grep -c '"msg":"request",' "$LOG" || true)
CASES=$(grep -o -E '[0-9]+ generated' "$OUT" | tail -1 | grep -o -E '[0-9]+' || echo "?")
echo "==> openapi: $CASES test cases generated, $REQUESTS requests answered, ${ELAPSED}s (log: $LOG)"
[ $FAIL -eq 0 ] && echo "==> openapi: PASS" || echo "==> openapi: FAIL"
exit $FAIL
