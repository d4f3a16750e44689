#!/usr/bin/env bash
# Codec benchmark: the runtime's hand-written request ids, ISO-8601 text, base64 and multipart
# parser against FoundationEssentials, swift-extras-base64 and multipart-kit (Docs/Decisions/0007-0010).
#
#   bench/codecs/run.sh                       # all cases, 7 rounds, medians
#   bench/codecs/run.sh --rounds 9 --only requestid
#   bench/codecs/run.sh --check               # differential checks (outputs that differ)
#   bench/codecs/run.sh --multipart-mib 100   # the upload size for the multipart cases
#
# PACKAGE_DIR: the package that declares the CodecBench executable (default: the repository root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package_dir="${PACKAGE_DIR:-$(cd "$here/../.." && pwd)}"
cd "$package_dir"
swift build -c release --product CodecBench
exec "$(swift build -c release --show-bin-path)/CodecBench" "$@"
