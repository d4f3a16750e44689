#!/usr/bin/env python3
"""KV benchmark: our public API on LMDB and on PostgreSQL vs Deno KV (local SQLite), side by side in one run.

Workloads: sequential get, 1/16/256 concurrent durable writers, list of 1000 keys, sequential durable CAS.
Usage: python3 bench/kv/run.py [--swift PATH-TO-kv-bench] [--runs 3] [--seconds 1.5] [--no-postgres] [--baseline OTHER-kv-bench]
Builds nothing: build kv-bench first (release), e.g. `swift build -c release --product kv-bench`.
Needs `deno` (pip install deno) with --unstable-kv, and for the PostgreSQL side Debian's `postgresql`
package: this script starts a temporary server itself with Tests/support/postgres-server.sh (fsync
and synchronous_commit on, as Debian ships them; its settings are printed), creates a fresh
database for every run, and stops the server at the end. Without a PostgreSQL server (or with
--no-postgres) it compares LMDB and Deno only, as before.

Every run is one round of LMDB, PostgreSQL, Deno (interleaved, so load drifts hit all three alike);
it prints the median of --runs runs of each, every ratio, and the goals of issues 3 and 19.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PG_SERVER = os.path.join(HERE, "..", "..", "Tests", "support", "postgres-server.sh")
# Issue 3's goals are for the embedded (LMDB) store; issue 19's for PostgreSQL is "16 writers >= 1x Deno".
GOALS = {"get": ("sequential get", 1_000_000, "ops/s"), "write1": ("1 durable writer", None, "commits/s"),
         "write16": ("16 concurrent durable writers", 75_000, "commits/s"),
         "write256": ("256 concurrent durable writers", None, "commits/s"),
         "list1000": ("list of 1000 keys", 30_000, "lists/s"), "cas": ("sequential durable CAS", None, "ops/s")}
# Issue 21's goals for LMDB: (workload, absolute floor or None, ratio to Deno or None); either one meets it.
ISSUE21 = [("write1", None, 1.0), ("write16", 35_000, None), ("write256", None, 15.0), ("list1000", 20_000, 100.0)]
# Reported so a reader knows what "durable" meant for the PostgreSQL figures.
PG_SETTINGS = ["server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "commit_delay",
               "shared_buffers", "max_connections", "wal_level"]


def run(cmd, cwd=None, env=None):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, cwd=cwd, env=env, check=True, timeout=300).stdout.decode()
    return json.loads(out.strip().splitlines()[-1])


def pg(*args):
    """postgres-server.sh SUBCOMMAND ...; fsync stays on (PG_FSYNC=on: the script's test default is off)."""
    env = dict(os.environ, PG_FSYNC="on")
    return subprocess.run(["bash", PG_SERVER] + list(args), stdout=subprocess.PIPE, env=env, check=True,
                          timeout=120).stdout.decode().strip()


def postgres_available():
    return any(os.path.exists("/usr/lib/postgresql/%s/bin/initdb" % v) for v in
               (os.listdir("/usr/lib/postgresql") if os.path.isdir("/usr/lib/postgresql") else []))


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--swift", default=os.environ.get("KV_BENCH", ".build/release/kv-bench"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", default="1.5")
    ap.add_argument("--no-postgres", action="store_true", help="LMDB and Deno only")
    ap.add_argument("--baseline", help="another kv-bench (e.g. main's build), run on LMDB in every round next to --swift; "
                                       "prints its medians and --swift/baseline")
    a = ap.parse_args()
    with_pg = not a.no_postgres
    if with_pg and not postgres_available():
        sys.stderr.write("no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql): LMDB and Deno only\n")
        with_pg = False
    sides = (["baseline"] if a.baseline else []) + ["lmdb"] + (["postgres"] if with_pg else []) + ["deno"]
    results = {s: [] for s in sides}
    load_before = loadavg()
    pg_dir = tempfile.mkdtemp(prefix="kv-bench-pg-") if with_pg else None
    settings = {}
    try:
        if with_pg:
            base_url = pg("start", pg_dir)
            for name in PG_SETTINGS:
                settings[name] = pg("sql", pg_dir, "SHOW %s" % name)
            sys.stderr.write("postgres: %s\n" % ", ".join("%s=%s" % kv for kv in settings.items()))
        for i in range(a.runs):
            for side in sides:
                if side == "postgres":
                    db = "kvbench_%d" % (i + 1)
                    pg("sql", pg_dir, "CREATE DATABASE %s" % db)
                    url = base_url.rsplit("/", 1)[0] + "/" + db
                    try:
                        results[side].append(run([a.swift, url, a.seconds]))
                    finally:
                        pg("sql", pg_dir, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
                else:
                    d = tempfile.mkdtemp(prefix="kv-bench-%s-" % side)
                    try:
                        if side in ("lmdb", "baseline"):
                            results[side].append(run([a.swift if side == "lmdb" else a.baseline, d, a.seconds]))
                        else:
                            results[side].append(run(["deno", "run", "--unstable-kv", "--allow-read", "--allow-write",
                                                      os.path.join(HERE, "bench.ts"), d, a.seconds]))
                    finally:
                        shutil.rmtree(d, ignore_errors=True)
                sys.stderr.write("run %d %s: %s\n" % (i + 1, side, json.dumps(results[side][-1])))
    finally:
        if pg_dir:
            pg("stop", pg_dir)
            shutil.rmtree(pg_dir, ignore_errors=True)
    report(a.runs, results, with_pg, settings, load_before, loadavg())


def report(runs, results, with_pg, settings, load_before, load_after):
    # A baseline built before a workload existed lacks its key.
    med = {s: {k: statistics.median(r[k] for r in rs) for k in GOALS if all(k in r for r in rs)} for s, rs in results.items()}
    cols = ["LMDB"] + (["PostgreSQL"] if with_pg else []) + ["Deno KV", "LMDB/Deno"] + (["PG/Deno", "PG/LMDB"] if with_pg else [])
    print("%-32s" % ("workload (median of %d)" % runs) + "".join("%12s" % c for c in cols) + "   issue 3 goal (LMDB)")
    for k, (name, goal, unit) in GOALS.items():
        l, d = med["lmdb"][k], med["deno"][k]
        row = [("%12.0f" % l)]
        if with_pg:
            row.append("%12.0f" % med["postgres"][k])
        row += ["%12.0f" % d, "%11.2fx" % (l / d)]
        if with_pg:
            p = med["postgres"][k]
            row += ["%11.2fx" % (p / d), "%11.2fx" % (p / l)]
        if k in ("write1", "write256"):
            print("%-32s" % name + "".join(row) + "   (issue 21, below)")
            continue
        g = ("%d %s" % (goal, unit)) if goal else ">= 1.0x Deno"
        ok = (l >= goal) if goal else (l >= d)
        print("%-32s" % name + "".join(row) + "   %s %s" % (g, "MET" if ok else "missed"))
    if "baseline" in med:
        print("baseline on LMDB, the same rounds (median of %d):" % runs)
        for k, (name, _, unit) in GOALS.items():
            b, l = med["baseline"].get(k), med["lmdb"][k]
            if b:
                print("  %-30s %12.0f %s, --swift/baseline %.2fx" % (name, b, unit, l / b))
            else:
                print("  %-30s (not measured by the baseline)" % name)
    if with_pg:
        p, d = med["postgres"]["write16"], med["deno"]["write16"]
        print("issue 19 goal: 16 durable writers on PostgreSQL >= 1.0x Deno KV: %.2fx, %s"
              % (p / d, "MET" if p >= d else "missed"))
        gc = [r for r in results["postgres"] if "write16_txns" in r]
        if gc:
            print("PostgreSQL group commit during the 16 writers (median): %.1f commits/transaction, %.2f ms/transaction, "
                  "%.0f transactions/s" % (statistics.median(r["write16_batch"] for r in gc),
                                           statistics.median(r["write16_txn_ms"] for r in gc),
                                           statistics.median(r["write16"] / r["write16_batch"] for r in gc if r["write16_batch"])))
        print("postgres: " + ", ".join("%s=%s" % kv for kv in settings.items()))
    for k, floor, ratio in ISSUE21:
        l, d = med["lmdb"][k], med["deno"][k]
        want = " or ".join(w for w in (("%d %s" % (floor, GOALS[k][2])) if floor else None,
                                       ("%.1fx Deno" % ratio) if ratio else None) if w)
        ok = (floor is not None and l >= floor) or (ratio is not None and l >= ratio * d)
        print("issue 21 goal: %s >= %s: %.0f %s, %.2fx Deno, %s" % (GOALS[k][0], want, l, GOALS[k][2], l / d,
                                                                  "MET" if ok else "missed"))
    print("load average (1/5/15 min) before: %s, after: %s" % (load_before, load_after))


if __name__ == "__main__":
    main()
