#!/usr/bin/env bash
# Re-record the golden files from real Deno (needs Deno 2.9.x:
# `pip install deno`). Records each cases file twice and refuses to write the
# golden file if the two runs differ (a timing-dependent case), then runs the
# pipeline self-test with Deno as the implementation under test.
#
#   conformance/record-golden.sh            # record + self-test
#   DENO=/path/to/deno conformance/record-golden.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
DENO="${DENO:-deno}"
command -v "$DENO" >/dev/null || { echo "error: deno not found (pip install deno)" >&2; exit 2; }
ver="$("$DENO" --version | head -1)"
echo "using $ver"
case "$ver" in deno\ 2.9.*) ;; *) echo "warning: golden files were specified against Deno 2.9.x" >&2 ;; esac
RUN=("$DENO" run --unstable-kv --allow-read --allow-write "$HERE/run_deno.ts")
TMP="$(mktemp -d "${TMPDIR:-/tmp}/kv-golden.XXXXXX")"

record() {  # cases golden
  local cases="$1" golden="$2"
  echo "== recording $cases (twice)"
  "${RUN[@]}" --cases "$cases" >"$TMP/a.json" 2>"$TMP/a.log"
  "${RUN[@]}" --cases "$cases" >"$TMP/b.json" 2>"$TMP/b.log"
  if ! python3 compare.py "$TMP/a.json" "$TMP/b.json" --cases "$cases" --strict --messages --quiet; then
    echo "error: two Deno runs of $cases differ; fix or drop the flaky cases above (nothing written)" >&2
    exit 1
  fi
  cp "$TMP/a.json" "$golden"
  echo "wrote $golden"
  echo "== self-test: Deno as the implementation under test"
  python3 run_impl.py --cases "$cases" --cmd "$(printf '%q ' "${RUN[@]}") --stdin" >"$TMP/self.json" 2>"$TMP/self.log"
  python3 compare.py "$golden" "$TMP/self.json" --cases "$cases" --strict --quiet
}

record cases.json golden.json
record cases-strict-expiry.json golden-strict-expiry.json
rm -rf "$TMP"
echo "done"
