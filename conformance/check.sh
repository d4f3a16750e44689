#!/usr/bin/env bash
# Differential KV conformance check: run our implementation on the cases and
# diff it against the golden output recorded from real Deno.
#
#   conformance/check.sh <path-to-kv-conformance-binary> [extra compare.py flags]
#
# Needs only bash and python3 (no Deno). Runs two suites:
#   cases.json               vs golden.json               (must all PASS)
#   cases-strict-expiry.json vs golden-strict-expiry.json (intentional
#       strict-expiry differences are marked "divergence": "lazy-expiry" and
#       reported as ALLOWED)
# Exit status: 0 when no case is FAIL or MISSING in either suite, 1 otherwise,
# 2 on usage errors.
#
# Environment:
#   KV_CONFORMANCE_OUT   directory for candidate result files (default: a new
#                        temporary directory, printed at the end)
#   KV_CONFORMANCE_ONLY  comma separated case ids to run (passed as --only;
#                        cases not run are then reported MISSING)
#   KV_CONFORMANCE_TIMEOUT  seconds per case (default 60)
#   KV_CONFORMANCE_STORE store the binary runs the cases on: lmdb (default),
#                        memory or postgres (passed as `--store NAME`; postgres
#                        runs on the database KV_URL names, see conformance/with-postgres.sh)
# Extra arguments after the binary go to compare.py, e.g. --ignore-error-class,
# --opaque-cursors, --messages, --quiet.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -lt 1 ]; then
  echo "usage: $0 <path-to-kv-conformance-binary> [compare.py flags...]" >&2
  exit 2
fi
BIN="$1"; shift
if [ ! -x "$BIN" ]; then
  echo "error: $BIN is not an executable file" >&2
  exit 2
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
command -v python3 >/dev/null || { echo "error: python3 not found" >&2; exit 2; }

OUT="${KV_CONFORMANCE_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/kv-conformance.XXXXXX")}"
mkdir -p "$OUT"
ONLY=()
[ -n "${KV_CONFORMANCE_ONLY:-}" ] && ONLY=(--only "$KV_CONFORMANCE_ONLY")
TIMEOUT="${KV_CONFORMANCE_TIMEOUT:-60}"
STORE="${KV_CONFORMANCE_STORE:-lmdb}"
case "$STORE" in
  lmdb|memory|postgres) ;;
  *) echo "error: KV_CONFORMANCE_STORE must be lmdb, memory or postgres, not '$STORE'" >&2; exit 2 ;;
esac
# run_impl.py runs the command through the shell: quote the path.
CMD="$(printf '%q' "$BIN") --store $STORE"

status=0
run_suite() {  # name cases golden
  local name="$1" cases="$HERE/$2" golden="$HERE/$3"
  shift 3
  local cand="$OUT/$name-$STORE-candidate.json" log="$OUT/$name-$STORE-run.log"
  echo "== $name ($STORE store): $(basename "$cases") against $(basename "$golden")"
  if ! python3 "$HERE/run_impl.py" --cases "$cases" --cmd "$CMD" --timeout "$TIMEOUT" "${ONLY[@]}" >"$cand" 2>"$log"; then
    echo "error: run_impl.py failed, see $log" >&2
    status=1
    return
  fi
  python3 "$HERE/compare.py" "$golden" "$cand" --cases "$cases" "$@" || status=1
}

run_suite main cases.json golden.json "$@"
run_suite strict-expiry cases-strict-expiry.json golden-strict-expiry.json "$@"

echo "candidate results and logs: $OUT"
if [ $status -eq 0 ]; then
  echo "kv-conformance ($STORE store): OK"
else
  echo "kv-conformance ($STORE store): FAILED (see FAIL/MISSING lines above)"
fi
exit $status
