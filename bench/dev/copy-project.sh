#!/usr/bin/env bash
# Syncs a swift-edge project into a scratch copy, keeping the copy's .build so later builds
# stay incremental: only files whose content differs are copied (so unchanged files keep their
# inode and mtime), files gone from the source are deleted. .git, .build, .data, .env* are not copied.
#   usage: bench/dev/copy-project.sh SRC DST
set -euo pipefail
src=$(cd "$1" && pwd)
dst=$2
mkdir -p "$dst"
dst=$(cd "$dst" && pwd)
prune='( -name .build -o -name .git -o -name .data -o -name .swiftpm -o -name __pycache__ ) -prune'
cd "$src"
find . $prune -o -type f ! -name '.env*' -print0 | while IFS= read -r -d '' f; do
  if ! cmp -s "$f" "$dst/$f"; then
    mkdir -p "$dst/$(dirname "$f")"
    cp -p "$f" "$dst/$f"
  fi
done
cd "$dst"
find . $prune -o -type f -print0 | while IFS= read -r -d '' f; do
  case "$(basename "$f")" in .env*) rm -f "$f"; continue ;; esac
  [ -e "$src/$f" ] || rm -f "$f"
done
find . $prune -o -type d -empty -print0 | xargs -0 -r rmdir 2>/dev/null || true
