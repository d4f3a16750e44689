# bench/http/common.sh: sourced by run.sh and coldstart.sh. Installs or builds what the chosen
# servers need (only what is missing), and kills leftover servers on exit.
# Needs: HERE (this folder), ROOT (the checkout), SERVERS (space-separated names), EDGE_BIN.

HB_PKG="$HERE/hummingbird-bare"
HB_BIN="$HB_PKG/.build/release/HelloHummingbird"
ENGINE_PKG="$HERE/engine-prototype"
SUDO=""; [[ "$(id -u)" = 0 ]] || SUDO=sudo

# Scratch for the Python side (server cwd, stderr, kept logs) and the pids of live servers.
export BENCH_TMPDIR BENCH_PIDFILE
BENCH_TMPDIR="$(mktemp -d -t edge-bench.XXXXXX)"
BENCH_PIDFILE="$BENCH_TMPDIR/servers.pid"
bench_cleanup() {
  local pid
  if [[ -s "$BENCH_PIDFILE" ]]; then
    while read -r pid; do
      [[ "$pid" =~ ^[0-9]+$ ]] && kill -KILL -- "-$pid" 2>/dev/null
    done <"$BENCH_PIDFILE"
  fi
  rm -rf "$BENCH_TMPDIR"
}
# Bash runs a trap only once the foreground command returns, so long steps run in the background
# under `wait` (which a signal interrupts): a TERM/INT is passed on to the step, then EXIT cleans up.
CHILD_PID=""
on_signal() {
  local i
  if [[ -n "$CHILD_PID" ]]; then
    kill -TERM "$CHILD_PID" 2>/dev/null
    for i in $(seq 50); do kill -0 "$CHILD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CHILD_PID" 2>/dev/null
  fi
  exit "$1"
}
trap bench_cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

run_step() {  # run_step CMD...: run CMD in the background and wait for it; returns its status
  local st=0
  "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID" || st=$?
  CHILD_PID=""
  return "$st"
}

apt_install() {  # apt_install PACKAGE...
  echo "==> apt-get install $*" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >&2
}

pip_install() {  # pip_install PACKAGE...
  echo "==> pip install $*" >&2
  python3 -m pip install -q --disable-pip-version-check "$@" >&2
}

wait_for_other_swift_builds() {  # one Swift build at a time on 2 cores; give up waiting after 30 min
  local i
  for i in $(seq 360); do
    pgrep -f 'swift-build' >/dev/null || return 0
    (( i == 1 )) && echo "==> another swift build is running; waiting for it (up to 30 min)" >&2
    sleep 5
  done
  echo "==> still busy after 30 min; building anyway" >&2
}

need_server() {  # need_server NAME
  case "$1" in
    edge|edge-1proc|edge-log|edge-nometrics|edge-traced|edge-sampled|edge-sampled-otel)
      if [[ ! -x "$EDGE_BIN" ]]; then
        echo "edge binary not found: $EDGE_BIN" >&2
        echo "build it first:  make -C $ROOT release   (see its RELEASE_FLAGS)," >&2
        echo "or point at another build with --edge-bin PATH (e.g. $ROOT/.build/debug/edge for a smoke test)." >&2
        exit 1
      fi ;;
    hummingbird)
      if [[ ! -x "$HB_BIN" ]]; then
        command -v swift >/dev/null || { echo "swift not found: needed to build $HB_PKG" >&2; exit 1; }
        wait_for_other_swift_builds
        # Linked like the edge binary we ship (make release, the container): Swift runtime static.
        echo "==> building bare Hummingbird (first time takes a few minutes): swift build -c release --static-swift-stdlib --package-path $HB_PKG" >&2
        run_step swift build -c release --static-swift-stdlib --package-path "$HB_PKG" >&2
      fi ;;
    epoll-proto|epoll-proto-task|nio-raw)
      if [[ ! -x "$ENGINE_PKG/.build/release/EpollHello" || ! -x "$ENGINE_PKG/.build/release/NIOHello" ]]; then
        wait_for_other_swift_builds
        echo "==> building the engine prototype: swift build -c release --static-swift-stdlib --package-path $ENGINE_PKG" >&2
        run_step swift build -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked --package-path "$ENGINE_PKG" >&2
      fi ;;
    deno)
      command -v deno >/dev/null || pip_install deno
      command -v deno >/dev/null || { hash -r; command -v deno >/dev/null; } || { echo "deno not on PATH after pip install deno" >&2; exit 1; } ;;
    node)
      command -v node >/dev/null || apt_install nodejs ;;
    fastapi)
      python3 -c 'import fastapi, uvicorn' 2>/dev/null || pip_install fastapi uvicorn ;;
    *) echo "unknown server $1" >&2; exit 2 ;;
  esac
}
