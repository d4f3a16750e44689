"""Shared by run.py and coldstart.py: how to start each server, wait for it, sample /proc, stop it.

Every server listens on 127.0.0.1 only, on a free port picked per start, and is started in its own
session (process group) so stop() takes down anything it spawned. A registry of live servers lets
the callers' exit handlers kill whatever is left, and a pid file (BENCH_PIDFILE) lets the shell
wrappers' traps do the same if Python itself dies.
"""
from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent  # the swift-edge checkout
PATH = "/hello"
BODY = b"Hello, world!"
# The servers that have the KV route (GET /hello/kv), and whether it is the one measured.
KV_SERVERS = {"edge", "edge-1proc", "edge-log", "edge-nometrics", "edge-traced", "edge-sampled", "edge-sampled-otel", "deno"}
KV_ROUTE = False


_OTLP_SINK: str | None = None
OTLP_RECEIVED = {"posts": 0, "bytes": 0}


def otlp_sink_url() -> str:
    """An OTLP/HTTP receiver on loopback for edge-traced: answers every POST 200 with an empty
    ExportTraceServiceResponse and counts what arrived (it runs in this Python process, so its CPU is not
    in edge's figures)."""
    global _OTLP_SINK
    if _OTLP_SINK is None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Sink(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                self.rfile.read(n)
                OTLP_RECEIVED["posts"] += 1
                OTLP_RECEIVED["bytes"] += n
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        _OTLP_SINK = f"http://127.0.0.1:{server.server_address[1]}"
    return _OTLP_SINK


def use_kv_route() -> None:
    """Measure GET /hello/kv: the greeting read from KV on every request (edge's KV, Deno KV)."""
    global PATH, KV_ROUTE
    PATH = "/hello/kv"
    KV_ROUTE = True
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

HB_PKG = HERE / "hummingbird-bare"
HB_BIN = HB_PKG / ".build" / "release" / "HelloHummingbird"
# The engine prototype of Docs/Decisions/0031 (bench/http/engine-prototype): an epoll HTTP/1 loop of our own
# and SwiftNIO's floor, two loops each (one per core, like edge's two workers).
ENGINE_PKG = HERE / "engine-prototype"
ENGINE_BIN = ENGINE_PKG / ".build" / "release"
DEFAULT_EDGE_BIN = ROOT / ".build" / "release" / "edge"

# Scratch space for the edge (its cwd, so nothing is written into the checkout) and its kept log.
SCRATCH = Path(tempfile.mkdtemp(prefix="edge-bench-", dir=os.environ.get("BENCH_TMPDIR") or None))


@dataclass
class Spec:
    name: str
    cmd: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    keep_stdout: bool = False  # True: stdout goes to a file (edge-log); else /dev/null
    note: str = ""


def specs(edge_bin: Path) -> dict[str, Spec]:
    py = sys.executable
    edge_env = {
        "HOST": "127.0.0.1",
        "LOG_FORMAT": "json",
        "EDGE_CONFIG": str(ROOT / "vercel-like.json"),
        "KV_PATH": str(SCRATCH / "kv"),
    }
    return {
        "edge": Spec("edge", [str(edge_bin), "serve"], dict(edge_env), SCRATCH,
                     note="supervisor + one worker per core; LOG_FORMAT=json, access log -> /dev/null"),
        "edge-1proc": Spec("edge-1proc", [str(edge_bin), "serve", "--workers", "0"], dict(edge_env), SCRATCH,
                           note="one process (--workers 0); LOG_FORMAT=json, access log -> /dev/null"),
        "edge-nometrics": Spec("edge-nometrics", [str(edge_bin), "serve"], {**edge_env, "EDGE_METRICS": "off"}, SCRATCH,
                               note="edge with EDGE_METRICS=off: no request counted (the metrics cost's baseline)"),
        "edge-traced": Spec("edge-traced", [str(edge_bin), "serve"],
                            {**edge_env, "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_sink_url()}, SCRATCH,
                            note="edge with metrics and tracing on: a span per request exported over OTLP/HTTP "
                                 "(protobuf) to a loopback sink"),
        "edge-sampled": Spec("edge-sampled", [str(edge_bin), "serve"],
                             {**edge_env, "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_sink_url(),
                              "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"}, SCRATCH,
                             note="edge-traced with 1% of traces sampled (OTEL_TRACES_SAMPLER=parentbased_traceidratio): "
                                  "the tracing machinery's own cost, as production runs it"),
        "edge-sampled-otel": Spec("edge-sampled-otel", [str(edge_bin), "serve"],
                                  {**edge_env, "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_sink_url(),
                                   "OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"}, SCRATCH,
                                  note="edge-sampled with swift-otel's own sampler (traceidratio: not taken over by "
                                       "EdgeOTel's root sampler), so every request still makes a swift-otel span "
                                       "(what edge-sampled cost before Docs/Decisions/0024)"),
        "edge-log": Spec("edge-log", [str(edge_bin), "serve"], dict(edge_env), SCRATCH, keep_stdout=True,
                         note="LOG_FORMAT=json, access log kept in a file"),
        "hummingbird": Spec("hummingbird", [str(HB_BIN)], {"HOST": "127.0.0.1"},
                            note="bare Hummingbird 2 Router, log level warning"),
        "epoll-proto": Spec("epoll-proto", [str(ENGINE_BIN / "EpollHello")], {"HOST": "127.0.0.1", "LOOPS": "2"},
                            note="engine prototype: own epoll loop and HTTP/1 parser, answer written inline, 2 loops"),
        "epoll-proto-task": Spec("epoll-proto-task", [str(ENGINE_BIN / "EpollHello")],
                                 {"HOST": "127.0.0.1", "LOOPS": "2", "HANDLER": "task"},
                                 note="engine prototype: the same loop, each request an async handler in a Swift task on it"),
        "nio-raw": Spec("nio-raw", [str(ENGINE_BIN / "NIOHello")], {"HOST": "127.0.0.1", "LOOPS": "2"},
                        note="SwiftNIO floor: NIO's loop and HTTPRequestDecoder, pre-encoded answer, 2 loops"),
        "deno": Spec("deno", [deno_bin(), "run", "--allow-net", "--allow-env", "--no-prompt"]
                     + (["--unstable-kv", "--allow-read", "--allow-write"] if KV_ROUTE else []) + [str(HERE / "peers" / "deno.ts")],
                     {"DENO_NO_UPDATE_CHECK": "1", **({"DENO_KV_PATH": str(SCRATCH / "deno-kv.sqlite")} if KV_ROUTE else {})},
                     note="Deno.serve" + (", Deno KV (SQLite) at DENO_KV_PATH" if KV_ROUTE else "")),
        "node": Spec("node", ["node", str(HERE / "peers" / "node_http.js")], note="node:http, one process"),
        "fastapi": Spec("fastapi", [py, "-m", "uvicorn", "fastapi_app:app", "--app-dir", str(HERE / "peers"),
                                    "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning",
                                    "--no-access-log"],
                        note="uvicorn, 1 worker, no access log"),
    }


_deno: str | None = None


def deno_bin() -> str:
    """The real deno executable: `deno` on PATH may be a pyenv shim (a shell script that adds tens of
    ms to every exec, which would count against Deno's cold start)."""
    global _deno
    if _deno is None:
        _deno = "deno"
        try:
            p = subprocess.run(["deno", "eval", "console.log(Deno.execPath())"], capture_output=True, text=True,
                               timeout=60, env={**os.environ, "DENO_NO_UPDATE_CHECK": "1"})
            if p.returncode == 0 and p.stdout.strip():
                _deno = p.stdout.strip().splitlines()[-1]
        except (OSError, subprocess.TimeoutExpired):
            pass
    return _deno


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- /proc sampling

def tree(pid: int) -> list[int]:
    """The process and its descendants (edge serve runs worker processes under a supervisor)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process and its descendants (all their threads), in seconds."""
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
            total += int(rest[11]) + int(rest[12])  # fields 14 and 15
        except OSError:
            pass
    return total / CLK_TCK


def status_kib(pid: int, key: str) -> int:
    """A /proc status figure summed over the process and its descendants."""
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def rss_mib(pid: int) -> float:
    return status_kib(pid, "VmRSS") / 1024


def hwm_mib(pid: int) -> float:
    return status_kib(pid, "VmHWM") / 1024


# ---------------------------------------------------------------- process control

_live: dict[int, subprocess.Popen] = {}


def _write_pidfile() -> None:
    pf = os.environ.get("BENCH_PIDFILE")
    if pf:
        try:
            Path(pf).write_text("".join(f"{p}\n" for p in _live))
        except OSError:
            pass


class Server:
    def __init__(self, spec: Spec, port: int | None = None):
        self.spec = spec
        self.port = port or free_port()
        self.log_path: Path | None = None
        self.log_bytes = 0
        self.err_path = SCRATCH / f"{spec.name}.{self.port}.stderr"
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc
        return self.proc.pid

    def start(self) -> float:
        """Exec the server; returns time.perf_counter() taken just before the exec."""
        env = dict(os.environ)
        env.update(self.spec.env)
        env["PORT"] = str(self.port)
        cmd = [c.replace("{port}", str(self.port)) for c in self.spec.cmd]
        if self.spec.keep_stdout:
            self.log_path = SCRATCH / f"{self.spec.name}.{self.port}.log"
            out = open(self.log_path, "wb")
        else:
            out = open(os.devnull, "wb")
        err = open(self.err_path, "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, cwd=self.spec.cwd, stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=err, start_new_session=True)
        out.close()
        err.close()
        _live[self.proc.pid] = self.proc
        _write_pidfile()
        return t0

    def stderr_tail(self, n: int = 15) -> str:
        try:
            return "\n".join(self.err_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def probe(self, timeout: float = 1.0) -> bool:
        """One GET /hello; True on a 200 with the expected body."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
                s.sendall(f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if data.startswith(b"HTTP/1.1 200") and data.endswith(BODY):
                        break
            return data.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")) and BODY in data
        except OSError:
            return False

    def wait_ready(self, timeout: float = 60.0, interval: float = 0.01) -> float:
        """Poll GET /hello until a 200; returns the perf_counter of the first 200. Raises on exit/timeout."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.spec.name} exited with {self.proc.returncode} before serving:\n"
                                   + self.stderr_tail())
            if self.probe(timeout=max(interval, 0.5)):
                return time.perf_counter()
            time.sleep(interval)
        raise RuntimeError(f"{self.spec.name} did not answer 200 on :{self.port}{PATH} within {timeout:.0f}s:\n"
                           + self.stderr_tail())

    def stop(self) -> None:
        p = self.proc
        if p is None:
            return
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(timeout=5)
        # the group may still hold children of a server that exited first
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        _live.pop(p.pid, None)
        _write_pidfile()
        if self.log_path and self.log_path.exists():
            self.log_bytes = self.log_path.stat().st_size
            self.log_path.unlink()  # can be hundreds of MB; its size is recorded by the caller first


def kill_all() -> None:
    for pid in list(_live):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        _live.pop(pid, None)
    _write_pidfile()


def _on_signal(signum, _frame):
    kill_all()
    sys.exit(128 + signum)


def install_exit_handlers() -> None:
    atexit.register(kill_all)
    atexit.register(lambda: subprocess.run(["rm", "-rf", str(SCRATCH)], check=False))
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def versions(names: list[str], edge_bin: Path) -> dict[str, str]:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
        except Exception:  # noqa: BLE001
            return "?"
    v: dict[str, str] = {}
    for n in names:
        if n.startswith("edge"):
            try:
                st = edge_bin.stat()
                v[n] = f"{edge_bin} ({st.st_size // 1024} KiB, built {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(st.st_mtime))})"
            except OSError:
                v[n] = str(edge_bin)
        elif n == "hummingbird":
            v[n] = "hummingbird " + _resolved_version(HB_PKG / "Package.resolved", "hummingbird")
        elif n == "deno":
            v[n] = out(["deno", "--version"])
        elif n == "node":
            v[n] = "node " + out(["node", "--version"])
        elif n == "fastapi":
            v[n] = out([sys.executable, "-c", "import fastapi, uvicorn, starlette;"
                        "print(f'fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}, starlette {starlette.__version__}')"])
    return v


def _resolved_version(path: Path, identity: str) -> str:
    import json
    try:
        for pin in json.loads(path.read_text()).get("pins", []):
            if pin.get("identity") == identity:
                return pin["state"].get("version", pin["state"].get("revision", "?"))
    except (OSError, ValueError, KeyError):
        pass
    return "?"
