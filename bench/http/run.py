#!/usr/bin/env python3
"""bench/http/run.py: hello-route throughput of `edge` against its peers under wrk (see README.md).

Called by run.sh, which installs the peers first; run it directly only when they are in place.
For each round, each server in turn: start on a free 127.0.0.1 port, wait for a 200, warm up with
wrk, sample /proc CPU time, run wrk, sample again, read VmHWM, stop it. Rounds interleave the
servers (A B C, A B C, ...) so machine noise spreads over all of them. Prints medians and ratios
and writes bench/results/http-<UTC time>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import servers as S

ORDER = ["edge", "edge-nometrics", "edge-traced", "edge-sampled", "edge-sampled-otel", "edge-1proc", "edge-log", "hummingbird", "nio-raw", "epoll-proto", "epoll-proto-task", "deno", "node", "fastapi"]
DEFAULT = ["edge", "hummingbird", "deno", "node", "fastapi"]
# Docs/Decisions/0031's engine prototype: compared with edge, SwiftNIO's floor and Deno.
PROTOTYPES = ("nio-raw", "epoll-proto", "epoll-proto-task")
PEERS = ["edge-1proc", "hummingbird", "deno", "node", "fastapi"]
WRK_LUA = S.HERE / "wrk_report.lua"


def seconds(text: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)?", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 10s, 500ms)")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, None: 1}[m.group(2)]


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=seconds, default=10.0, help="wrk -d per measurement (default 10s)")
    ap.add_argument("--warmup", type=seconds, default=3.0, help="wrk warm-up before each measurement (default 3s)")
    ap.add_argument("--threads", type=int, default=2, help="wrk -t (default 2)")
    ap.add_argument("--connections", type=int, default=64, help="wrk -c (default 64)")
    ap.add_argument("--only", default="", help="comma list from: " + ",".join(ORDER))
    ap.add_argument("--edge-bin", type=Path, default=S.DEFAULT_EDGE_BIN)
    ap.add_argument("--edge-log", action="store_true",
                    help="also run edge with its access log kept in a file (server 'edge-log')")
    ap.add_argument("--route", choices=["hello", "kv"], default="hello",
                    help="hello: GET /hello; kv: GET /hello/kv, one KV read per request (edge, edge-1proc, deno)")
    ap.add_argument("--out", type=Path, default=None, help="result JSON (default bench/results/http-<time>.json)")
    a = ap.parse_args()
    if a.route == "kv":
        S.use_kv_route()
    if a.only:
        names = [n.strip() for n in a.only.split(",") if n.strip()]
        bad = [n for n in names if n not in ORDER]
        if bad:
            ap.error(f"unknown server(s) {bad}; choose from {ORDER}")
        a.servers = [n for n in ORDER if n in names]
    elif a.route == "kv":
        a.servers = [n for n in ORDER if n in S.KV_SERVERS and (n != "edge-log" or a.edge_log)]
    else:  # run.sh's documented default (the others are opt-in with --only)
        a.servers = [n for n in ORDER if n in DEFAULT or (n == "edge-log" and a.edge_log)]
    if a.route == "kv" and any(n not in S.KV_SERVERS for n in a.servers):
        ap.error(f"--route kv runs only {sorted(S.KV_SERVERS)}")
    if a.edge_log and "edge-log" not in a.servers:
        a.servers.insert(a.servers.index("edge") + 1 if "edge" in a.servers else 0, "edge-log")
    if not 1 <= a.rounds <= 100:
        ap.error("--rounds must be 1..100")
    if not 1 <= a.duration <= 600 or not 0 <= a.warmup <= 120:
        ap.error("--duration must be 1s..600s and --warmup 0..120s")
    return a


def wrk(url: str, threads: int, conns: int, duration: float, report: bool) -> dict | None:
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration:g}s", "--timeout", "2s"]
    if report:
        cmd += ["-s", str(WRK_LUA)]
    cmd.append(url)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    if p.returncode != 0:
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stderr.strip() or p.stdout.strip()}")
    if not report:
        return None
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("wrk printed no report line:\n" + p.stdout)


def measure(spec: S.Spec, a: argparse.Namespace) -> dict:
    srv = S.Server(spec)
    try:
        t_exec = srv.start()
        t_ready = srv.wait_ready(timeout=60)
        idle = S.rss_mib(srv.pid)
        url = f"http://127.0.0.1:{srv.port}{S.PATH}"
        if a.warmup > 0:
            wrk(url, a.threads, a.connections, a.warmup, report=False)
        cpu0 = S.cpu_seconds(srv.pid)
        w = wrk(url, a.threads, a.connections, a.duration, report=True)
        cpu1 = S.cpu_seconds(srv.pid)
        hwm = S.hwm_mib(srv.pid)
        if srv.proc.poll() is not None:
            raise RuntimeError(f"{spec.name} died during the run:\n" + srv.stderr_tail())
    finally:
        srv.stop()
    secs = w["duration_us"] / 1e6
    reqs = w["requests"]
    errors = sum(w[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
    cpu = cpu1 - cpu0
    return {
        "server": spec.name,
        "port": srv.port,
        "ready_ms": round((t_ready - t_exec) * 1000, 1),
        "rps": reqs / secs if secs else 0.0,
        "requests": reqs,
        "seconds": secs,
        "p50_ms": w["p50_us"] / 1000,
        "p90_ms": w["p90_us"] / 1000,
        "p99_ms": w["p99_us"] / 1000,
        "p999_ms": w["p999_us"] / 1000,
        "max_ms": w["lat_max_us"] / 1000,
        "cpu_s": cpu,
        "cpu_pct": 100 * cpu / secs if secs else 0.0,
        "cpu_s_per_100k": cpu / reqs * 1e5 if reqs else float("nan"),
        "idle_rss_mib": idle,
        "peak_rss_mib": hwm,
        "errors": errors,
        "bytes_per_resp": w["bytes"] / reqs if reqs else 0.0,
        "wrk": w,
        "log_bytes": srv.log_bytes if spec.keep_stdout else None,
    }


def med(runs: list[dict], key: str) -> float:
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else float("nan")


def summarize(results: dict[str, list[dict]]) -> dict[str, dict]:
    out = {}
    for name, runs in results.items():
        if not runs:
            continue
        rps = [r["rps"] for r in runs]
        m = statistics.median(rps)
        out[name] = {
            "rounds": len(runs),
            "rps": m,
            "rps_min": min(rps),
            "rps_max": max(rps),
            "rps_spread_pct": 100 * (max(rps) - min(rps)) / m if m else 0.0,
            **{k: med(runs, k) for k in ("p50_ms", "p99_ms", "cpu_s_per_100k", "cpu_pct", "idle_rss_mib",
                                          "peak_rss_mib", "ready_ms", "bytes_per_resp")},
            "errors": sum(r["errors"] for r in runs),
        }
    return out


def ratios(summary: dict[str, dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for e in ("edge", "edge-log") + PROTOTYPES:
        if e not in summary:
            continue
        s = summary[e]
        for p in PEERS if e in ("edge", "edge-log") else ("edge", "nio-raw", "deno"):
            if p in summary and p != e:
                q = summary[p]
                out.setdefault(e, {})[p] = {
                    "rps": s["rps"] / q["rps"] if q["rps"] else float("nan"),
                    "p99": s["p99_ms"] / q["p99_ms"] if q["p99_ms"] else float("nan"),
                    "cpu_per_req": s["cpu_s_per_100k"] / q["cpu_s_per_100k"] if q["cpu_s_per_100k"] else float("nan"),
                    "peak_rss": s["peak_rss_mib"] / q["peak_rss_mib"] if q["peak_rss_mib"] else float("nan"),
                }
    return out


def print_table(a, summary, rat) -> None:
    print()
    print(f"# medians of {a.rounds} round(s); wrk -t{a.threads} -c{a.connections} -d{a.duration:g}s, "
          f"warm-up {a.warmup:g}s; server and wrk share {os.cpu_count()} cores")
    hdr = (f"{'server':<16} {'req/s':>9} {'spread':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU%':>5} "
           f"{'CPU s/100k':>10} {'idle MiB':>8} {'peak MiB':>8} {'B/resp':>6} {'errors':>6}")
    print(hdr)
    print("-" * len(hdr))
    for name in ORDER:
        if name not in summary:
            continue
        s = summary[name]
        print(f"{name:<16} {s['rps']:>9.0f} {s['rps_spread_pct']:>6.1f}% {s['p50_ms']:>7.3f} {s['p99_ms']:>7.3f} "
              f"{s['cpu_pct']:>5.0f} {s['cpu_s_per_100k']:>10.3f} {s['idle_rss_mib']:>8.1f} {s['peak_rss_mib']:>8.1f} "
              f"{s['bytes_per_resp']:>6.0f} {s['errors']:>6}")
    if rat:
        print()
        print("# ratios (req/s: higher is better; p99, CPU per request, peak RSS: lower is better)")
        for e, peers in rat.items():
            for p, r in peers.items():
                tag = ""
                if p == "hummingbird":
                    tag = "  required >= 1.00x: " + ("PASS" if r["rps"] >= 1.0 else "FAIL")
                elif p == "deno":
                    tag = "  goal >= 1.00x: " + ("met" if r["rps"] >= 1.0 else "not met")
                print(f"{e + ' / ' + p:<28} req/s {r['rps']:5.2f}x   p99 {r['p99']:5.2f}x   "
                      f"CPU/req {r['cpu_per_req']:5.2f}x   peak RSS {r['peak_rss']:5.2f}x{tag}")
    if "edge-nometrics" in summary and "edge" in summary:
        s, n = summary["edge"], summary["edge-nometrics"]
        print(f"# metrics cost: edge is {100 * (s['rps'] / n['rps'] - 1):+.1f}% req/s vs edge-nometrics (EDGE_METRICS=off); budget -5%")
    if "edge-traced" in summary and "edge-nometrics" in summary:
        t, n = summary["edge-traced"], summary["edge-nometrics"]
        print(f"# metrics + tracing cost: edge-traced is {100 * (t['rps'] / n['rps'] - 1):+.1f}% req/s vs edge-nometrics "
              f"(metrics and tracing off); budget -5%; OTLP sink got {S.OTLP_RECEIVED['posts']} exports, "
              f"{S.OTLP_RECEIVED['bytes']} bytes")
    if "edge-sampled" in summary and "edge-nometrics" in summary:
        t, n = summary["edge-sampled"], summary["edge-nometrics"]
        print(f"# metrics + sampled tracing cost: edge-sampled (1% of traces exported) is {100 * (t['rps'] / n['rps'] - 1):+.1f}% req/s vs edge-nometrics "
              f"(metrics and tracing off); budget -5%; OTLP sink got {S.OTLP_RECEIVED['posts']} exports, "
              f"{S.OTLP_RECEIVED['bytes']} bytes")
    for name in ("edge-traced", "edge-sampled", "edge-sampled-otel"):
        if name in summary and "edge" in summary:
            t, m = summary[name], summary["edge"]
            print(f"# tracing cost alone: {name} is {100 * (t['rps'] / m['rps'] - 1):+.1f}% req/s, "
                  f"{100 * (t['cpu_s_per_100k'] / m['cpu_s_per_100k'] - 1):+.1f}% CPU per request vs edge (metrics on, tracing off)")
    if "edge-log" in summary and "edge" in summary:
        s, l = summary["edge"], summary["edge-log"]
        print(f"# access-log cost: edge-log is {100 * (l['rps'] / s['rps'] - 1):+.1f}% req/s vs edge (log to /dev/null)")


def clean(x):
    """NaN/inf are not JSON: write them as null."""
    if isinstance(x, float) and (x != x or x in (float("inf"), float("-inf"))):
        return None
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [clean(v) for v in x]
    return x


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def busy_builds() -> list[str]:
    p = subprocess.run(["pgrep", "-af", "swift-build|swift-frontend|clang|cc1|rustc|cargo"],
                       capture_output=True, text=True)
    return [l for l in p.stdout.splitlines() if l.strip()]


def main() -> int:
    a = parse_args()
    S.install_exit_handlers()
    allspecs = S.specs(a.edge_bin.resolve())
    names = a.servers
    la0 = loadavg()
    builds = busy_builds()
    print(f"# servers: {', '.join(names)}; rounds {a.rounds}; load average {la0}")
    if builds:
        print(f"# WARNING: {len(builds)} compiler/build process(es) running; numbers will be noisy", file=sys.stderr)
    vers = S.versions(names, a.edge_bin.resolve())
    if any(n.startswith("edge") for n in names) and "/debug/" in str(a.edge_bin.resolve()):
        print(f"# WARNING: {a.edge_bin} is a debug build: its numbers say nothing about release speed",
              file=sys.stderr)
    for n in names:
        print(f"#   {n:<12} {vers.get(n, '')}  [{allspecs[n].note}]")

    results: dict[str, list[dict]] = {n: [] for n in names}
    failures: list[dict] = []
    started = time.time()
    for r in range(a.rounds):
        # Odd rounds run the servers in reverse order, so no server always goes first (or last).
        for n in (names if r % 2 == 0 else list(reversed(names))):
            try:
                res = measure(allspecs[n], a)
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                print(f"round {r + 1}/{a.rounds} {n:<12} FAILED: {exc}", file=sys.stderr)
                failures.append({"round": r + 1, "server": n, "error": str(exc)})
                continue
            res["round"] = r + 1
            results[n].append(res)
            extra = f"  access log {res['log_bytes'] / 2**20:.1f} MiB" if res["log_bytes"] is not None else ""
            print(f"round {r + 1}/{a.rounds} {n:<12} {res['rps']:>9.0f} req/s  p50 {res['p50_ms']:.3f} ms  "
                  f"p99 {res['p99_ms']:.3f} ms  cpu {res['cpu_pct']:.0f}%  peak {res['peak_rss_mib']:.1f} MiB"
                  f"{'  errors ' + str(res['errors']) if res['errors'] else ''}{extra}", flush=True)

    summary = summarize(results)
    rat = ratios(summary)
    print_table(a, summary, rat)
    la1 = loadavg()
    print(f"# load average before {la0}, after {la1}; {time.time() - started:.0f}s total")

    out = a.out or (S.ROOT / "bench" / "results" / f"http-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(started))}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "bench": "http-hello",
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "config": {"rounds": a.rounds, "duration_s": a.duration, "warmup_s": a.warmup, "threads": a.threads,
                   "connections": a.connections, "path": S.PATH, "servers": names,
                   "edge_bin": str(a.edge_bin.resolve())},
        "machine": {"cpus": os.cpu_count(), "kernel": platform.release(), "load_before": la0, "load_after": la1,
                    "build_processes_at_start": len(builds)},
        "versions": vers,
        "summary": summary,
        "ratios": rat,
        "runs": [r for n in names for r in results[n]],
        "failures": failures,
    }
    out.write_text(json.dumps(clean(doc), indent=2) + "\n")
    print(f"# wrote {out}")
    return 1 if failures and not any(results.values()) else (2 if failures else 0)


if __name__ == "__main__":
    sys.exit(main())
