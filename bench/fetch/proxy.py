#!/usr/bin/env python3
"""A large body through `edge`'s proxy path (an external rewrite: libcurl in, `Response.proxy` out) vs the
same body straight from the upstream, on loopback.

The upstream is bench/fetch/upstream.py (`GET /big?size=N`, Content-Length, 256 KiB writes). `edge serve`
runs this repository's vercel-like.json plus one rewrite, `/bench-proxy/:path*` ->
`http://127.0.0.1:<upstream>/:path*`. The client is the curl CLI (`-o /dev/null`) for both paths, in
interleaved rounds; prints each round, then the medians, the ratio (issue 21's goal: >= 0.8x direct) and
edge's CPU seconds per GiB.

`--baseline OLD` runs a second edge binary the same way, interleaved in the same rounds (before/after).

usage: bench/fetch/proxy.py [--edge .build/release/edge] [--baseline OLD_EDGE] [--size-mib 256] [--rounds 5]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ap = argparse.ArgumentParser()
ap.add_argument("--edge", default=os.path.join(ROOT, ".build/release/edge"))
ap.add_argument("--size-mib", type=int, default=256)
ap.add_argument("--rounds", type=int, default=5)
ap.add_argument("--baseline", help="another edge binary, measured in the same rounds")
a = ap.parse_args()
size = a.size_mib << 20

def cpu_seconds(pid):
    st = open(f"/proc/{pid}/stat").read().split(")")[1].split()
    return (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")

def children_cpu(pid):
    """CPU of `pid` and its worker processes."""
    total = cpu_seconds(pid)
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            for child in open(f"/proc/{pid}/task/{task}/children").read().split():
                total += cpu_seconds(int(child))
        except OSError:
            pass
    return total

def curl(url):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{speed_download}", url],
                         capture_output=True, text=True, check=True).stdout.split()
    code, n, speed = int(out[0]), int(out[1]), float(out[2])
    if code != 200 or n != size:
        sys.exit(f"{url}: status {code}, {n} of {size} bytes")
    return speed

def start_edge(binary, config_path):
    log = tempfile.NamedTemporaryFile(delete=False)
    env = dict(os.environ, PORT="0", HOST="127.0.0.1", ACCESS_LOG="off", LOG_FORMAT="json", KV_PATH=tempfile.mkdtemp(), EDGE_CONFIG=config_path)
    proc = subprocess.Popen([binary, "serve"], stdout=log, stderr=subprocess.STDOUT, env=env)
    for _ in range(400):
        for line in open(log.name):
            if '"url":"http://127.0.0.1:' in line:
                return proc, int(line.split('"url":"http://127.0.0.1:')[1].split('"')[0])
        time.sleep(0.05)
    proc.kill()
    sys.exit(f"{binary} did not start:\n" + open(log.name).read())

up = subprocess.Popen([sys.executable, os.path.join(HERE, "upstream.py")], stdout=subprocess.PIPE, text=True)
edges = []
try:
    uport = int(up.stdout.readline().split()[1])
    config = json.load(open(os.path.join(ROOT, "vercel-like.json")))
    config.setdefault("rewrites", []).insert(0, {"source": "/bench-proxy/:path*", "destination": f"http://127.0.0.1:{uport}/:path*"})
    cfg = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(config, cfg); cfg.close()
    names = ["edge"] + (["baseline"] if a.baseline else [])
    for binary in [a.edge] + ([a.baseline] if a.baseline else []):
        edges.append(start_edge(binary, cfg.name))
    direct_url = f"http://127.0.0.1:{uport}/big?size={size}"
    for _, port in edges:
        curl(f"http://127.0.0.1:{port}/bench-proxy/big?size={size}")  # warm-up: libcurl loaded, page cache
    direct = []
    through = {n: [] for n in names}
    cpu = {n: [] for n in names}
    for r in range(a.rounds):
        d = curl(direct_url)
        direct.append(d)
        line = f"round {r + 1}: direct {d / 1e6:.0f} MB/s"
        order = list(zip(names, edges))
        if r % 2: order.reverse()
        for name, (proc, port) in order:
            c0 = children_cpu(proc.pid)
            e = curl(f"http://127.0.0.1:{port}/bench-proxy/big?size={size}")
            c = children_cpu(proc.pid) - c0
            through[name].append(e); cpu[name].append(c)
            line += f", {name} {e / 1e6:.0f} MB/s ({e / d:.2f}x, CPU {c:.2f} s)"
        print(line)
    gib = size / 2**30
    d = statistics.median(direct)
    print(f"{a.size_mib} MiB, medians of {a.rounds}: direct {d / 1e6:.0f} MB/s")
    for name in names:
        e = statistics.median(through[name])
        ratio = statistics.median([t / x for t, x in zip(through[name], direct)])
        print(f"  {name} (Response.proxy): {e / 1e6:.0f} MB/s, {ratio:.2f}x direct (median of round ratios; goal >= 0.8x), "
              f"CPU {statistics.median(cpu[name]) / gib:.2f} s per GiB")
finally:
    for proc, _ in edges: proc.terminate(); proc.wait(timeout=30)
    up.terminate()
