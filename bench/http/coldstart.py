#!/usr/bin/env python3
"""bench/http/coldstart.py: exec -> first 200 on GET /hello, and idle RSS after start.

Called by coldstart.sh (which installs the peers first). For each run: take perf_counter, exec the
server on a free 127.0.0.1 port, and poll (connect + GET /hello, every --poll-ms) until a 200; that
interval is the cold start. Then wait --settle seconds with no traffic and read VmRSS (idle RSS) and
VmHWM, and stop the server. Runs interleave the servers; one untimed run per server first warms
the page cache (and Deno's transpile cache), so this is "warm disk, new process", the usual
meaning of cold start for a server. Prints median/min/p90 and writes
bench/results/coldstart-<UTC time>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import servers as S

ORDER = ["edge", "hummingbird", "deno", "node", "fastapi"]


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="timed runs per server (default 15, at least 10 advised)")
    ap.add_argument("--only", default="edge,deno", help="comma list from: " + ",".join(ORDER) + " (default edge,deno)")
    ap.add_argument("--edge-bin", type=Path, default=S.DEFAULT_EDGE_BIN)
    ap.add_argument("--poll-ms", type=float, default=0.25, help="pause between probes (default 0.25 ms)")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds idle before reading RSS (default 1)")
    ap.add_argument("--timeout", type=float, default=30.0, help="give up on one start after this many seconds")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    names = [n.strip() for n in a.only.split(",") if n.strip()]
    bad = [n for n in names if n not in ORDER]
    if bad:
        ap.error(f"unknown server(s) {bad}; choose from {ORDER}")
    a.servers = [n for n in ORDER if n in names]
    if not 1 <= a.runs <= 500:
        ap.error("--runs must be 1..500")
    return a


def first_200(srv: S.Server, poll_s: float, timeout: float) -> float:
    """Seconds from exec to the first 200. A refused connect costs ~20 us, so polling is tight."""
    t0 = srv.start()
    deadline = t0 + timeout
    while True:
        if srv.probe(timeout=1.0):
            return time.perf_counter() - t0
        if srv.proc.poll() is not None:
            raise RuntimeError(f"{srv.spec.name} exited with {srv.proc.returncode}:\n" + srv.stderr_tail())
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{srv.spec.name}: no 200 within {timeout:.0f}s:\n" + srv.stderr_tail())
        if poll_s > 0:
            time.sleep(poll_s)


def one(spec: S.Spec, a: argparse.Namespace) -> dict:
    srv = S.Server(spec)
    try:
        secs = first_200(srv, a.poll_ms / 1000, a.timeout)
        time.sleep(a.settle)
        return {"server": spec.name, "ms": secs * 1000, "idle_rss_mib": S.rss_mib(srv.pid),
                "hwm_mib": S.hwm_mib(srv.pid)}
    finally:
        srv.stop()


def pct(vals: list[float], q: float) -> float:
    s = sorted(vals)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


def main() -> int:
    a = parse_args()
    S.install_exit_handlers()
    specs = S.specs(a.edge_bin.resolve())
    names = a.servers
    vers = S.versions(names, a.edge_bin.resolve())
    if any(n.startswith("edge") for n in names) and "/debug/" in str(a.edge_bin.resolve()):
        print(f"# WARNING: {a.edge_bin} is a debug build: its numbers say nothing about release speed",
              file=sys.stderr)
    print(f"# cold start (exec -> first 200 on GET {S.PATH}), {a.runs} runs each, poll every {a.poll_ms:g} ms; "
          f"idle RSS {a.settle:g}s after the first 200")
    for n in names:
        print(f"#   {n:<12} {vers.get(n, '')}")
    runs: dict[str, list[dict]] = {n: [] for n in names}
    failures = []
    started = time.time()
    for n in names:  # untimed: page cache, Deno's transpile cache
        try:
            one(specs[n], a)
        except Exception as exc:  # noqa: BLE001
            print(f"warm-up {n}: FAILED: {exc}", file=sys.stderr)
    for i in range(a.runs):
        for n in names:
            try:
                r = one(specs[n], a)
            except Exception as exc:  # noqa: BLE001
                failures.append({"run": i + 1, "server": n, "error": str(exc)})
                print(f"run {i + 1} {n}: FAILED: {exc}", file=sys.stderr)
                continue
            r["run"] = i + 1
            runs[n].append(r)

    summary = {}
    print()
    hdr = f"{'server':<12} {'median ms':>9} {'min ms':>7} {'p90 ms':>7} {'max ms':>7} {'idle RSS MiB':>12} {'runs':>5}"
    print(hdr)
    print("-" * len(hdr))
    for n in names:
        ms = [r["ms"] for r in runs[n]]
        if not ms:
            continue
        summary[n] = {"median_ms": statistics.median(ms), "min_ms": min(ms), "p90_ms": pct(ms, 90), "max_ms": max(ms),
                      "idle_rss_mib": statistics.median(r["idle_rss_mib"] for r in runs[n]),
                      "hwm_mib": statistics.median(r["hwm_mib"] for r in runs[n]), "runs": len(ms)}
        s = summary[n]
        print(f"{n:<12} {s['median_ms']:>9.1f} {s['min_ms']:>7.1f} {s['p90_ms']:>7.1f} {s['max_ms']:>7.1f} "
              f"{s['idle_rss_mib']:>12.1f} {s['runs']:>5}")
    if "edge" in summary:
        e = summary["edge"]["median_ms"]
        print(f"# edge goal: <= 10 ms: {'met' if e <= 10 else 'not met'} ({e:.1f} ms)")
        if "deno" in summary:
            print(f"# edge / deno cold start: {e / summary['deno']['median_ms']:.2f}x")

    out = a.out or (S.ROOT / "bench" / "results" / f"coldstart-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(started))}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "bench": "coldstart",
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "config": {"runs": a.runs, "poll_ms": a.poll_ms, "settle_s": a.settle, "servers": names,
                   "edge_bin": str(a.edge_bin.resolve()), "cpus": os.cpu_count(),
                   "load": Path("/proc/loadavg").read_text().split()[:3]},
        "versions": vers, "summary": summary, "runs": [r for n in names for r in runs[n]], "failures": failures,
    }, indent=2) + "\n")
    print(f"# wrote {out}")
    return 2 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
