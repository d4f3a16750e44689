#!/usr/bin/env bash
# Real-clock lateness benchmark of the cron scheduler (issue 4: a run starts within 100 ms of its
# scheduled second). Scaled mode (default) runs "* * * * *" crons with 1 cron minute = 1 real
# second for 120 s; `--real-minutes N` uses the plain system clock for N minutes.
#
#   bench/cron/run.sh                      # scaled, 120 s, 4 jobs
#   bench/cron/run.sh --seconds 60 --jobs 8
#   bench/cron/run.sh --real-minutes 3
#
# PACKAGE_DIR: the package that declares the CronBench executable (default: the repository root).
# CONFIG: release (default) or debug.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package_dir="${PACKAGE_DIR:-$(cd "$here/../.." && pwd)}"
config="${CONFIG:-release}"
cd "$package_dir"
swift build -c "$config" --product CronBench
exec "$(swift build -c "$config" --show-bin-path)/CronBench" "$@"
