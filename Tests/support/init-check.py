#!/usr/bin/env python3
"""`edge init` end to end: the last step of `make test`.

  Tests/support/init-check.py [EDGE_BIN]

1. `edge init` a project into a temp dir, depending on this checkout by path (--edge-path), with every
   worked example (--template kv, cron, sse).
2. That project's own `make test`: its `swift build --build-tests` and its tests (EdgeTesting, through
   the router) against this checkout.
3. That project's own `make dev` (the real `app dev` binary on a free port): fast reloads are prepared
   (the app compiled as a library), an edit is served, a
   compile error keeps the old version serving and shows the error, a Vercel-style file name gets its
   one-line advice, a new route folder is served.

The project builds in this checkout's `.build` (its Makefile's SCRATCH, `swift build --scratch-path`;
EDGE_INIT_CHECK_FRESH=1: its own `.build`, built from nothing): its packages are this checkout's at the
same paths, so every module but the project's three is already built and the check costs minutes, not a
second full build (Docs/Decisions/0023). A symlinked `.build` would not do: SwiftPM sees other paths
and rebuilds everything.
Prints each step's time; exits 1 on the first failure, with the dev log.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EDGE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build/debug/edge")
T0 = time.monotonic()


def step(message):
    print(f"[init-check {time.monotonic() - T0:6.1f}s] {message}", flush=True)


def fail(message, log=None):
    print(f"init-check: FAIL: {message}", file=sys.stderr)
    if log is not None:
        print("---- make dev output ----\n" + log, file=sys.stderr)
    sys.exit(1)


def run(argv, cwd):
    started = time.monotonic()
    rc = subprocess.call(argv, cwd=cwd)
    if rc != 0:
        fail(f"{' '.join(argv)} in {cwd} exited {rc}")
    return time.monotonic() - started


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except Exception as e:  # refused, reset, timeout: not served (yet)
        return None, str(e)


def write(project, rel, text):
    path = os.path.join(project, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def handler(name, body, extra=""):
    return f"""import EdgeRuntime

struct {name}: EdgeFunction {{
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {{
        {extra}
        return .text("{body}")
    }}
}}
"""


def main():
    if not os.access(EDGE, os.X_OK):
        fail(f"no edge binary at {EDGE}: build first (swift build)")
    work = tempfile.mkdtemp(prefix="edge-init-check.")
    project = os.path.join(work, "hello-edge")
    step(f"edge init {project} --edge-path {REPO} --template kv --template cron --template sse")
    run([EDGE, "init", project, "--edge-path", REPO, "--template", "kv", "--template", "cron", "--template", "sse"], work)
    scratch = [] if os.environ.get("EDGE_INIT_CHECK_FRESH") == "1" else ["SCRATCH=" + os.path.join(REPO, ".build")]

    step("make test (the project's own)")
    seconds = run(["make", "test"] + scratch, project)
    step(f"make test passed in {seconds:.0f}s")

    port = free_port()
    log_path = os.path.join(work, "dev.log")
    log_file = open(log_path, "w")
    env = dict(os.environ, PORT=str(port), NO_COLOR="1")
    dev = subprocess.Popen(["make", "dev"] + scratch, cwd=project, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, start_new_session=True)

    def log():
        with open(log_path) as f:
            return f.read()

    def wait_for(path, status, text, timeout, what):
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            got = get(port, path)
            if got == (status, text):
                return time.monotonic() - started
            if dev.poll() is not None:
                fail(f"make dev exited ({dev.returncode}) while waiting for {what}", log())
            time.sleep(0.25)
        fail(f"{what}: GET {path} never answered {status} {text!r} (last: {get(port, path)!r})", log())

    def wait_for_log(needle, offset, timeout, what):
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if needle in log()[offset:]:
                return time.monotonic() - started
            time.sleep(0.25)
        fail(f"{what}: the dev output never showed {needle!r}", log())

    try:
        step(f"make dev on :{port}")
        seconds = wait_for("/hello", 200, "Hello, world!", 900, "first start")
        step(f"make dev serving /hello after {seconds:.1f}s")

        write(project, "Functions/hello/Hello.swift", handler("Hello", "Hello, edited!"))
        seconds = wait_for("/hello", 200, "Hello, edited!", 300, "an edit")
        step(f"edit -> new response in {seconds:.1f}s")
        # Reloads go through the app compiled as a library (Docs/Decisions/0029), not a whole swift build.
        wait_for_log("fast reloads ready", 0, 120, "fast reloads")

        offset = len(log())
        write(project, "Functions/hello/Hello.swift", handler("Hello", "never served", 'let broken: Int = "not an int"'))
        seconds = wait_for_log("Hello.swift:", offset, 300, "a compile error")
        if "error" not in log()[offset:]:
            fail("the compile error was not shown", log())
        if get(port, "/hello") != (200, "Hello, edited!"):
            fail(f"after a compile error the old version must serve, got {get(port, '/hello')!r}", log())
        step(f"compile error shown in {seconds:.1f}s, old version still serving")

        offset = len(log())
        write(project, "Functions/hello/Hello.swift", handler("Hello", "Hello, edited!"))
        write(project, "Functions/api/bye.swift", handler("Bye", "Bye!"))
        advice = "Functions/api/bye.swift:1: error: 'bye.swift' is a Vercel-style file name"
        seconds = wait_for_log(advice, offset, 300, "a Vercel-style file name")
        if get(port, "/hello") != (200, "Hello, edited!"):
            fail("after a routing error the old version must serve", log())
        step(f"Vercel-style api/bye.swift -> its advice in {seconds:.1f}s")

        os.remove(os.path.join(project, "Functions/api/bye.swift"))
        os.rmdir(os.path.join(project, "Functions/api"))
        write(project, "Functions/api/bye/Bye.swift", handler("Bye", "Bye!"))
        seconds = wait_for("/api/bye", 200, "Bye!", 300, "a new route")
        step(f"new route /api/bye served in {seconds:.1f}s")
    finally:
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGINT)  # make and `app dev` (its session); app dev drains and exits
            try:
                dev.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(dev.pid, signal.SIGKILL)
                dev.wait()
        log_file.close()
    shutil.rmtree(work, ignore_errors=True)  # only on success: a failure leaves the project and dev.log to read
    step("passed")


if __name__ == "__main__":
    main()
