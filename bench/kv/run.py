#!/usr/bin/env python3
"""KV benchmark: our public API on LMDB vs Deno KV (local SQLite), side by side in one run.

Usage: python3 bench/kv/run.py [--swift PATH-TO-kv-bench] [--runs 3] [--seconds 1.5]
Builds nothing: build kv-bench first (release), e.g. `swift build -c release --product kv-bench`.
Needs `deno` (pip install deno) with --unstable-kv. Prints medians of --runs runs and the ratios.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOALS = {"get": ("sequential get", 1_000_000, "ops/s"), "write16": ("16 concurrent durable writers", 75_000, "commits/s"),
         "list1000": ("list of 1000 keys", 30_000, "lists/s"), "cas": ("sequential durable CAS", None, "ops/s")}

def run(cmd, cwd=None):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, cwd=cwd, check=True, timeout=300).stdout.decode()
    return json.loads(out.strip().splitlines()[-1])

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--swift", default=os.environ.get("KV_BENCH", ".build/release/kv-bench"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", default="1.5")
    a = ap.parse_args()
    ours, deno = [], []
    for i in range(a.runs):
        for side, acc in (("swift", ours), ("deno", deno)):
            d = tempfile.mkdtemp(prefix="kv-bench-%s-" % side)
            try:
                if side == "swift":
                    acc.append(run([a.swift, d, a.seconds]))
                else:
                    acc.append(run(["deno", "run", "--unstable-kv", "--allow-read", "--allow-write",
                                    os.path.join(HERE, "bench.ts"), d, a.seconds]))
            finally:
                shutil.rmtree(d, ignore_errors=True)
            sys.stderr.write("run %d %s: %s\n" % (i + 1, side, json.dumps(acc[-1])))
    print("%-32s %14s %14s %9s %14s" % ("workload (median of %d)" % a.runs, "swift-edge", "Deno KV", "ratio", "goal"))
    for k, (name, goal, unit) in GOALS.items():
        o = statistics.median(r[k] for r in ours)
        d = statistics.median(r[k] for r in deno)
        g = ("%d %s" % (goal, unit)) if goal else ">= 1.0x Deno"
        ok = (o >= goal) if goal else (o >= d)
        print("%-32s %14.0f %14.0f %8.1fx %14s %s" % (name, o, d, o / d, g, "MET" if ok else "missed"))

if __name__ == "__main__":
    main()
