#!/usr/bin/env bash
# container/check.sh: verify the Docker image's runtime stage WITHOUT a Docker engine
# (`make container-check`; not part of `make test`).
#
#   container/check.sh [EDGE_BINARY]      default: .build/release/edge, built with
#                                         make release (swift build -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked)
#
# 1. Builds the runtime stage's filesystem from Debian's packages: debootstrap --variant=minbase
#    bookworm, slimmed like debian:bookworm-slim, then container/rootfs-setup.sh (the Dockerfile's
#    RUN step: runtime-packages.txt, the non-root user, /data) run in a chroot. Cached under
#    $ROOTFS_CACHE, keyed by the package list, the setup script and the mirror.
# 2. Lays the Dockerfile's COPY lines on top in a throw-away overlay (edge, edge-healthcheck,
#    swift-backtrace-static, vercel-like.json), and a fresh /data "volume" seeded from the image.
# 3. Runs `edge serve` as in `docker run`: edge is PID 1 of its own PID namespace, in its own
#    mount, network (loopback only), UTS and IPC namespaces, chrooted, as uid 10001, with the
#    Dockerfile's ENV and WORKDIR. Then checks: every library resolves (ldd in the image),
#    /healthz 200, the image's HEALTHCHECK command, a KV round trip with `edge kv` (docker exec
#    style) while serving and after a restart, and SIGTERM -> exit 0. Reports the installed size
#    (goal <= SIZE_GOAL_MB) and the cold start (exec -> first 200, median of COLD_RUNS starts).
#
# Needs root (chroot, mount, namespaces); installs debootstrap/curl/iproute2 with apt-get if
# missing. Prints PASS/FAIL/SKIP lines and a closing count; exits non-zero on any FAIL.
#
# Environment: ROOTFS_CACHE (/var/cache/swift-edge-rootfs), DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR
# (default: the Debian mirror apt uses on this machine), COLD_RUNS (5), SIZE_GOAL_MB (150),
# START_TIMEOUT (20 s), STOP_TIMEOUT (20 s), KEEP=1 (keep the run directory),
# ALLOW_DYNAMIC_SWIFT=1 (accept a binary linked against the Swift runtime .so files, e.g. the
# debug build, by bind-mounting the host toolchain's lib dir: for trying the check, not a pass).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
SUITE=bookworm
ROOTFS_CACHE=${ROOTFS_CACHE:-/var/cache/swift-edge-rootfs}
COLD_RUNS=${COLD_RUNS:-5}
SIZE_GOAL_MB=${SIZE_GOAL_MB:-150}
START_TIMEOUT=${START_TIMEOUT:-20}
STOP_TIMEOUT=${STOP_TIMEOUT:-20}
PKG_LIST=$here/runtime-packages.txt
SETUP=$here/rootfs-setup.sh
HEALTHCHECK=$here/healthcheck.sh
DOCKERFILE=$root/Dockerfile
EDGE_UID=10001
EDGE_GID=10001

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
skip() { skipped=$((skipped + 1)); echo "SKIP: $*"; }
info() { echo "INFO: $*"; }
log() { echo "==> $*" >&2; }
die() { echo "FAIL: $*"; echo "container-check: $passed passed, $((failed + 1)) failed, $skipped skipped"; exit 1; }
now_ns() { date +%s%N; }

# ---------------------------------------------------------------- prerequisites
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null && exec sudo -E "$0" "$@"
  die "needs root (chroot, mount, namespaces)"
fi

bin=${1:-$root/.build/release/edge}
[ -x "$bin" ] || die "no edge binary at $bin: build it with
    make release   (swift build -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked)"
bin=$(readlink -f "$bin")

need_pkgs=""
command -v debootstrap >/dev/null || need_pkgs="$need_pkgs debootstrap"
command -v curl >/dev/null || need_pkgs="$need_pkgs curl"
command -v ip >/dev/null || need_pkgs="$need_pkgs iproute2"
command -v nsenter >/dev/null || need_pkgs="$need_pkgs util-linux"
command -v strip >/dev/null || need_pkgs="$need_pkgs binutils"
[ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || need_pkgs="$need_pkgs debian-archive-keyring"
if [ -n "$need_pkgs" ]; then
  log "installing$need_pkgs"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need_pkgs >/dev/null \
    || die "could not install$need_pkgs"
fi

# The Debian mirror apt uses here (deb822 *.sources and one-line *.list), for the rootfs too.
debian_uris() { # $1: regex the suite must match
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk -v re="$1" '$1 == "deb" && $3 ~ re { print $2 }'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v re="$1" '
      function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no") { n = split(suites, s, " "); for (i = 1; i <= n; i++) if (s[i] ~ re) { print uris; break } } types = uris = suites = ""; enabled = "" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:" { $1 = ""; types = $0 }
      tolower($1) == "uris:" { uris = $2 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      tolower($1) == "enabled:" { enabled = tolower($2) }
      END { flush() }' "$f"
  done
}
codenames='bullseye|bookworm|trixie|forky|duke|sid|oldstable|stable|testing|unstable'
MIRROR=${DEBIAN_MIRROR:-$(debian_uris "^($codenames)$" | head -n1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-$(debian_uris "^($codenames)-security$" | head -n1)}
SECURITY=${SECURITY:-${MIRROR%/debian}/debian-security}

# ---------------------------------------------------------------- 1. the runtime rootfs (cached)
key=$( { echo "v1 $SUITE $MIRROR $SECURITY"; cat "$PKG_LIST" "$SETUP"; } | sha256sum | cut -c1-16)
base=$ROOTFS_CACHE/$key/rootfs

build_rootfs() {
  local tmp=$ROOTFS_CACHE/$key.tmp
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log "debootstrap --variant=minbase $SUITE from $MIRROR (first run, or the package list changed)"
  # A private mount namespace: whatever debootstrap/apt mount goes away with it.
  unshare --mount --fork debootstrap --variant=minbase "$SUITE" "$tmp/rootfs" "$MIRROR" \
    >"$tmp/debootstrap.log" 2>&1 || { tail -n 30 "$tmp/debootstrap.log"; return 1; }
  local r=$tmp/rootfs
  # What debuerreotype does to make debian:bookworm-slim: no docs/man/locales, apt cleans itself.
  cat >"$r/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
CFG
  find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$r"/usr/share/{groff,info,linda,lintian/overrides,man}/* 2>/dev/null || true
  find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  cat >"$r/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
  echo 'Acquire::Languages "none";' >"$r/etc/apt/apt.conf.d/docker-no-languages"
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d" && chmod +x "$r/usr/sbin/policy-rc.d"
  rm -f "$r/etc/apt/sources.list"
  cat >"$r/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  # The Dockerfile's RUN step, verbatim: packages, user, /data.
  mkdir -p "$r/tmp/container"
  cp "$PKG_LIST" "$SETUP" "$r/tmp/container/"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  log "rootfs-setup.sh in the chroot: $(sed -e 's/#.*//' "$PKG_LIST" | xargs)"
  unshare --mount --fork sh -c '
    set -e
    mount -t proc proc "$1/proc"
    mount -t sysfs -o ro sysfs "$1/sys"
    mount --rbind /dev "$1/dev"
    chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 sh /tmp/container/rootfs-setup.sh /tmp/container/runtime-packages.txt
  ' sh "$r" >"$tmp/setup.log" 2>&1 || { tail -n 30 "$tmp/setup.log"; return 1; }
  rm -rf "$r/tmp/container"
  : >"$r/etc/resolv.conf" # Docker bind-mounts its own
  rm -rf "${ROOTFS_CACHE:?}/$key"
  mkdir -p "$ROOTFS_CACHE/$key"
  mv "$r" "$base"
  mv "$tmp"/*.log "$ROOTFS_CACHE/$key/"
  rm -rf "$tmp"
  # Older keys (another package list) are dead weight.
  find "$ROOTFS_CACHE" -mindepth 1 -maxdepth 1 -not -name "$key" -exec rm -rf {} +
}

if [ -f "$ROOTFS_CACHE/$key/ready" ] && [ -d "$base" ]; then
  log "rootfs: cached $ROOTFS_CACHE/$key"
else
  build_rootfs || die "building the runtime rootfs (logs under $ROOTFS_CACHE/$key.tmp)"
  date -u +%FT%TZ >"$ROOTFS_CACHE/$key/ready"
fi
pass "runtime rootfs: debootstrap minbase $SUITE + $(sed -e 's/#.*//' "$PKG_LIST" | xargs | tr ' ' ',') from the shared list"

# ---------------------------------------------------------------- the Dockerfile's runtime stage
# ENV / WORKDIR / USER lines after the last FROM (one ENV a line: see the Dockerfile header).
stage=$(awk '/^FROM /{buf=""} {buf = buf $0 "\n"} END{printf "%s", buf}' "$DOCKERFILE")
mapfile -t image_env < <(printf '%s' "$stage" | sed -n 's/^ENV \([A-Za-z_][A-Za-z0-9_]*\)=\(.*\)$/\1=\2/p')
workdir=$(printf '%s' "$stage" | sed -n 's/^WORKDIR //p' | tail -n1)
user=$(printf '%s' "$stage" | sed -n 's/^USER //p' | tail -n1)
[ "$user" = "$EDGE_UID:$EDGE_GID" ] || die "Dockerfile USER is '$user', check.sh expects $EDGE_UID:$EDGE_GID"
grep -q '^HEALTHCHECK .*CMD \["/usr/local/bin/edge-healthcheck"\]' "$DOCKERFILE" \
  || die "Dockerfile HEALTHCHECK is not /usr/local/bin/edge-healthcheck"
grep -q '^ENTRYPOINT \["edge"\]' "$DOCKERFILE" && grep -q '^CMD \["serve"\]' "$DOCKERFILE" \
  || die "Dockerfile ENTRYPOINT/CMD is not edge serve"
env_value() { local kv; for kv in "${image_env[@]}"; do [ "${kv%%=*}" = "$1" ] && echo "${kv#*=}"; done; return 0; }
port=$(env_value PORT); port=${port:-8000}
kv_path=$(env_value KV_PATH)
[ "$kv_path" = /data/kv ] || fail "Dockerfile KV_PATH is '$kv_path', not /data/kv"

run=$(mktemp -d /var/tmp/edge-container-check.XXXXXX)
holder=""
cleanup() {
  local p
  for p in $(jobs -p); do kill -KILL "$p" 2>/dev/null || true; done
  [ -n "$holder" ] && kill -KILL "$holder" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $run" >&2; else rm -rf "$run"; fi
}
trap cleanup EXIT

# The "container": a mount + network namespace held by a sleeping process; the overlay (image
# layers), /data, /dev, /proc live inside it and vanish with it.
unshare --mount --net --uts --ipc --propagation private sleep infinity &
holder=$!
for _ in $(seq 50); do
  [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
  sleep 0.05
done
in_ns() { nsenter -t "$holder" --mount --net --uts --ipc -- "$@"; }
in_ns ip link set lo up
in_ns hostname edge-check

mkdir -p "$run"/{upper,work,merged,volume}
m=$run/merged u=$run/upper
# The Dockerfile's COPY lines: the top image layer (overlay upperdir, laid before mounting).
install -D -m 0755 "$HEALTHCHECK" "$u/usr/local/bin/edge-healthcheck"
install -D -m 0644 "$root/vercel-like.json" "$u/app/vercel-like.json"
install -D -m 0755 "$bin" "$u/usr/local/bin/edge"
# The build stage strips the binary: same strip, same flags (read from the Dockerfile).
if grep -q '&& strip .*/staging/edge' "$DOCKERFILE"; then
  strip_flags=$(sed -n 's|.*&& strip \(.*\)/staging/edge.*|\1|p' "$DOCKERFILE" | head -n1)
  command -v strip >/dev/null || die "strip (binutils) missing: the Dockerfile strips the binary"
  # shellcheck disable=SC2086
  strip $strip_flags "$u/usr/local/bin/edge"
fi
backtrace=$(dirname "$(readlink -f "$(command -v swift 2>/dev/null || echo /usr/bin/swift)")")/../libexec/swift/linux/swift-backtrace-static
if [ -f "$backtrace" ]; then
  install -D -m 0755 "$backtrace" "$u/usr/local/libexec/swift-edge/swift-backtrace-static"
else
  info "swift-backtrace-static not found beside the toolchain: size excludes it (~10 MB)"
fi
image_layers=("$base" "$u")
# What Docker writes into every container: hostname, hosts, resolv.conf.
mkdir -p "$run/etc"
echo edge-check >"$run/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\tedge-check\n' >"$run/etc/hosts"
cp /etc/resolv.conf "$run/etc/resolv.conf"
# A fresh named volume: Docker seeds it from the image's /data, ownership included.
cp -a "$base/data/." "$run/volume/"
chown "$(stat -c %u:%g "$base/data")" "$run/volume"
chmod "$(stat -c %a "$base/data")" "$run/volume"

in_ns mount -t overlay overlay -o "lowerdir=$base,upperdir=$u,workdir=$run/work" "$m"
in_ns sh -c '
  set -e
  m=$1 run=$2
  mount --bind "$run/volume" "$m/data"
  for f in hostname hosts resolv.conf; do [ -e "$m/etc/$f" ] || : >"$m/etc/$f"; mount --bind "$run/etc/$f" "$m/etc/$f"; done
  # The /dev, /dev/shm and read-only /sys Docker gives a container.
  mount -t tmpfs -o nosuid,mode=0755,size=64k tmpfs "$m/dev"
  for d in null zero full random urandom tty; do touch "$m/dev/$d"; mount --bind "/dev/$d" "$m/dev/$d"; done
  mkdir -p "$m/dev/shm" "$m/dev/pts"
  mount -t tmpfs -o nosuid,nodev,size=64m shm "$m/dev/shm"
  ln -s /proc/self/fd "$m/dev/fd"; ln -s /proc/self/fd/0 "$m/dev/stdin"
  ln -s /proc/self/fd/1 "$m/dev/stdout"; ln -s /proc/self/fd/2 "$m/dev/stderr"
  mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$m/sys"
' sh "$m" "$run"

if [ "${ALLOW_DYNAMIC_SWIFT:-0}" = 1 ]; then
  swiftlib=$(ldd "$bin" | awk '/libswiftCore.so/ { print $3 }')
  if [ -n "$swiftlib" ]; then
    swiftdir=$(dirname "$swiftlib")
    in_ns sh -c 'mkdir -p "$1$2" && mount --bind -o ro "$2" "$1$2"' sh "$m" "$swiftdir"
    info "ALLOW_DYNAMIC_SWIFT=1: host $swiftdir bind-mounted (not what the image has)"
  fi
fi

# The environment `docker run` gives edge: the Dockerfile's ENV + PATH/HOME/HOSTNAME.
container_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOSTNAME=edge-check HOME=/data "${image_env[@]}")
# `docker exec` as the image's USER: same namespaces, root and working directory as PID 1.
exec_in() { # $1: host pid of the container's PID 1; rest: command
  local pid=$1; shift
  env -i "${container_env[@]}" /usr/bin/nsenter -t "$pid" --mount --net --uts --ipc --pid \
    --root --wd --setuid "$EDGE_UID" --setgid "$EDGE_GID" -- "$@"
}
# `docker run --rm -v volume image CMD...` with no server: chroot into the same tree.
run_in() {
  in_ns unshare --pid --fork --mount-proc="$m/proc" \
    chroot --userspec="$EDGE_UID:$EDGE_GID" --groups="$EDGE_GID" "$m" \
    /usr/bin/env -i "${container_env[@]}" sh -c 'cd "$0" && exec "$@"' "${workdir:-/}" "$@"
}

# ---------------------------------------------------------------- 2. static checks
if ldd "$bin" 2>/dev/null | grep -q 'libswift\|libFoundation\|libdispatch\|libBlocksRuntime'; then
  if [ "${ALLOW_DYNAMIC_SWIFT:-0}" = 1 ]; then
    skip "static Swift runtime: $bin links the Swift runtime dynamically (ALLOW_DYNAMIC_SWIFT=1)"
  else
    fail "static Swift runtime: $bin links the Swift .so files; build with --static-swift-stdlib (or ALLOW_DYNAMIC_SWIFT=1 to try)"
  fi
else
  pass "static Swift runtime: no libswift*/Foundation/dispatch .so needed"
fi

ldd_out=$(run_in ldd /usr/local/bin/edge 2>&1) || true
if grep -q 'not found' <<<"$ldd_out" || ! grep -q '=>' <<<"$ldd_out"; then
  fail "libraries in the image: $(grep 'not found' <<<"$ldd_out" | awk '{print $1}' | xargs)"
  echo "$ldd_out" | sed 's/^/    /'
else
  pass "libraries in the image: all resolved ($(awk '/=>/ {print $1}' <<<"$ldd_out" | sed 's/\.so.*//' | xargs))"
fi
grep -q liblmdb <<<"$ldd_out" || info "edge does not link liblmdb yet (module not in this binary)"
# libcurl is dlopen'ed on the first fetch (Runtime/Shims/CCurl/CCurl.c), so ldd does not list it.
if run_in sh -c 'ls /usr/lib/*/libcurl.so.4 /lib/*/libcurl.so.4' 2>/dev/null | grep -q libcurl; then
  pass "libcurl.so.4 in the image (loaded on the first fetch)"
else
  fail "libcurl.so.4 missing from the image: every fetch would fail"
fi

# ---------------------------------------------------------------- 3. run it
# Starts `edge serve` as PID 1 of a new PID namespace in the container; sets srv (host pid of
# unshare, whose exit status is edge's) and edge_pid (edge's host pid).
srv="" edge_pid=""
start_server() { # $1: log file
  # nsenter (no --pid: it execs, no fork) -> unshare -> edge: $! is unshare, edge its child.
  /usr/bin/nsenter -t "$holder" --mount --net --uts --ipc -- \
    unshare --pid --fork --kill-child --mount-proc="$m/proc" \
    chroot --userspec="$EDGE_UID:$EDGE_GID" --groups="$EDGE_GID" "$m" \
    /usr/bin/env -i "${container_env[@]}" sh -c 'cd "$0" && exec edge serve' "${workdir:-/}" \
    >"$1" 2>&1 &
  srv=$!
  edge_pid=""
}
find_edge_pid() { # edge is the child of unshare (nsenter exec'd unshare; unshare forked)
  local c i
  for i in $(seq 100); do
    for c in $(pgrep -P "$srv" 2>/dev/null); do
      [ "$(cat "/proc/$c/comm" 2>/dev/null)" = edge ] && { edge_pid=$c; return 0; }
    done
    sleep 0.02
  done
  return 1
}
# Polls GET /__edge/ready from inside the network namespace until 200 (bash /dev/tcp: no fork per
# try, 2 ms step); prints the ns timestamp of the first 200.
wait_healthy() { # $1: deadline (s)
  in_ns bash -c '
    end=$(( $(date +%s) + $2 ))
    while :; do
      if exec 3<>"/dev/tcp/127.0.0.1/$1"; then
        printf "GET /__edge/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3
        if IFS= read -r -t 2 status <&3 && [[ $status == "HTTP/1."?" 200"* ]]; then
          date +%s%N; exit 0
        fi
        exec 3>&-
      fi 2>/dev/null
      [ "$(date +%s)" -ge "$end" ] && exit 1
      sleep 0.002
    done' sh "$port" "$1"
}
stop_server() { # SIGTERM to edge, as docker stop does; sets rc to edge's exit status or "timeout"
  local i
  rc=timeout
  [ -n "$edge_pid" ] && kill -TERM "$edge_pid" 2>/dev/null
  for i in $(seq $((STOP_TIMEOUT * 20))); do
    if ! kill -0 "$srv" 2>/dev/null; then
      rc=0; wait "$srv" || rc=$?
      return 0
    fi
    sleep 0.05
  done
  kill -KILL "$srv" 2>/dev/null || true
  wait "$srv" 2>/dev/null || true
}

log "starting edge serve in the container (port $port, uid $EDGE_UID)"
t0=$(now_ns)
start_server "$run/serve.log"
if t1=$(wait_healthy "$START_TIMEOUT"); then
  cold=( $(( (t1 - t0) / 1000000 )) )
  pass "edge serve up: GET /__edge/ready -> 200 in ${cold[0]} ms (first start)"
else
  fail "edge serve did not answer 200 on /__edge/ready within ${START_TIMEOUT}s"
  sed 's/^/    /' "$run/serve.log" | tail -n 30
  echo "container-check: $passed passed, $failed failed, $skipped skipped"
  exit 1
fi
find_edge_pid || true
if [ -n "$edge_pid" ]; then
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$edge_pid/status")
  nspid=$(awk '/^NSpid:/ {print $NF}' "/proc/$edge_pid/status")
  if [ "$uid" = "$EDGE_UID" ] && [ "$nspid" = 1 ]; then
    pass "isolation: edge is PID 1 of its PID namespace, uid $uid (non-root), own mount/net/uts/ipc namespaces"
  else
    fail "isolation: edge uid=$uid nspid=$nspid (want uid $EDGE_UID, PID 1)"
  fi
else
  fail "could not find the edge process"
fi
grep -q '"msg":"listening"' "$run/serve.log" && pass 'log: JSON line with "msg":"listening"' \
  || fail 'log: no "msg":"listening" JSON line'

codes=""
for path in /__edge/health /healthz /api/health /health; do
  code=$(in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port$path" || true)
  codes="$codes $path=$code"
done
if [ "$codes" = " /__edge/health=200 /healthz=200 /api/health=200 /health=200" ]; then pass "health endpoints:$codes"
else fail "health endpoints:$codes"; fi

if [ -n "$edge_pid" ] && exec_in "$edge_pid" /usr/local/bin/edge-healthcheck; then
  pass "HEALTHCHECK command (/usr/local/bin/edge-healthcheck, bash /dev/tcp) -> healthy"
else
  fail "HEALTHCHECK command -> unhealthy"
fi

# KV round trip, docker-exec style, against the /data volume while the server runs.
kv_token="check-$(date +%s)-$$"
kv_key='["container-check","roundtrip"]'
kv_supported=0
if [ -n "$edge_pid" ] && exec_in "$edge_pid" edge kv --help >/dev/null 2>&1; then kv_supported=1; fi
if [ "$kv_supported" = 1 ]; then
  if exec_in "$edge_pid" edge kv set "$kv_key" "\"$kv_token\"" >"$run/kv-set.log" 2>&1 \
    && got=$(exec_in "$edge_pid" edge kv get "$kv_key" 2>&1) && grep -q "$kv_token" <<<"$got"; then
    owner=$(find "$run/volume/kv" -type f -not -user "$EDGE_UID" 2>/dev/null | head -n1)
    if [ -z "$owner" ] && [ -n "$(ls -A "$run/volume/kv" 2>/dev/null)" ]; then
      pass "KV round trip: edge kv set/get on /data/kv while serving ($(cd "$run/volume/kv" && echo *) on the volume, owned by uid $EDGE_UID)"
    else
      fail "KV round trip: data files missing or not owned by uid $EDGE_UID: $(ls -ln "$run/volume/kv" 2>&1 | tail -n +2)"
    fi
  else
    fail "KV round trip: set/get failed: $(cat "$run/kv-set.log") ${got:-}"
  fi
else
  skip "KV round trip: PENDING: this edge has no 'kv' command yet (edge kv set/get)"
fi

stop_server
if [ "$rc" = 0 ]; then pass "SIGTERM (docker stop) -> edge drained and exited 0"
else fail "SIGTERM -> exit status $rc"; sed 's/^/    /' "$run/serve.log" | tail -n 10; fi

if [ "$kv_supported" = 1 ]; then
  if got=$(run_in edge kv get "$kv_key" 2>&1) && grep -q "$kv_token" <<<"$got"; then
    pass "KV persistence: the value is on the volume after the server stopped (new container)"
  else
    fail "KV persistence: edge kv get after restart: $got"
  fi
fi

# ---------------------------------------------------------------- 4. cold start and size
for i in $(seq 2 "$COLD_RUNS"); do
  t0=$(now_ns)
  start_server "$run/serve-$i.log"
  if t1=$(wait_healthy "$START_TIMEOUT"); then
    cold+=( $(( (t1 - t0) / 1000000 )) )
  else
    fail "restart $i: no 200 within ${START_TIMEOUT}s"; sed 's/^/    /' "$run/serve-$i.log" | tail -n 10
  fi
  find_edge_pid || true
  stop_server
  [ "$rc" = 0 ] || fail "restart $i: SIGTERM -> exit status $rc"
done
mapfile -t sorted < <(printf '%s\n' "${cold[@]}" | sort -n)
median=${sorted[$(( ${#sorted[@]} / 2 ))]}
pass "cold start (exec -> first 200 on /healthz, ${#sorted[@]} starts): median ${median} ms, min ${sorted[0]} ms, max ${sorted[-1]} ms"

# The image as Docker installs it: the rootfs layer + the COPY layer (no volume, no /proc...).
size_mb=$(du -scm "${image_layers[@]}" | tail -n1 | cut -f1)
base_mb=$(du -sm "$base" | cut -f1)
bin_mb=$(( $(stat -c %s "$u/usr/local/bin/edge") / 1048576 ))
detail="rootfs ${base_mb} MB (bookworm minbase slimmed + runtime packages) + edge ${bin_mb} MB + swift-backtrace-static/healthcheck/config"
if [ "${ALLOW_DYNAMIC_SWIFT:-0}" = 1 ]; then
  info "image installed size: ${size_mb} MB: $detail (not the image: dynamic binary)"
elif [ "$size_mb" -le "$SIZE_GOAL_MB" ]; then
  pass "image installed size: ${size_mb} MB <= ${SIZE_GOAL_MB} MB goal: $detail"
else
  fail "image installed size: ${size_mb} MB > ${SIZE_GOAL_MB} MB goal: $detail"
fi
du -sch "${image_layers[@]}" | sed 's/^/INFO: du -sh: /'

echo "container-check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
