#!/usr/bin/env python3
"""fetch through a real `edge` process vs direct, on loopback (issue 5's proxied figures).

A provider on 127.0.0.1 answers POST /chat/completions with SSE events whose data is the send time
(CLOCK_MONOTONIC ns). The same client reads them directly and through `edge`'s /v1/vision/stream
(libcurl upstream -> SSE passthrough), and reports per-event latency p50/p99 and the added latency;
then N concurrent slow streams through one edge process (all must complete; edge peak RSS and CPU).

usage: bench/fetch/through_edge.py [--edge .build/release/edge] [--events 200] [--streams 1000]
"""
import argparse, asyncio, json, os, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--edge", default=".build/release/edge")
ap.add_argument("--events", type=int, default=200)
ap.add_argument("--interval-ms", type=float, default=10)
ap.add_argument("--streams", type=int, default=1000)
ap.add_argument("--stream-events", type=int, default=20)
ap.add_argument("--stream-interval-ms", type=float, default=250)
a = ap.parse_args()

MODE = {"events": a.events, "interval_ms": a.interval_ms}  # what the provider streams (set per phase)

async def provider(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"): length = int(line.split(b":")[1])
        if length: await reader.readexactly(length)
        n = MODE["events"]; interval = MODE["interval_ms"] / 1000
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n")
        if MODE.get("bulk"):
            block = b"data: " + b"x" * (65536 - 8) + b"\n\n"
            for _ in range(MODE["bulk"] // 65536):
                writer.write(block); await writer.drain()
            return
        for _ in range(n):
            writer.write(f"data: {time.monotonic_ns()}\n\n".encode()); await writer.drain()
            await asyncio.sleep(interval)
        writer.write(b"data: [DONE]\n\n"); await writer.drain()
    except Exception:
        pass
    finally:
        writer.close()

async def read_bytes(port, path, payload):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    body = json.dumps(payload).encode()
    writer.write(f"POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n".encode() + body)
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    t0 = time.monotonic(); n = 0
    while True:
        chunk = await reader.read(1 << 20)
        if not chunk: break
        n += len(chunk)
    writer.close()
    return n, time.monotonic() - t0

async def read_stream(port, path, payload):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps(payload).encode()
    writer.write(f"POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n".encode() + body)
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    lat, buf = [], b""
    while True:
        chunk = await reader.read(65536)
        if not chunk: break
        now = time.monotonic_ns(); buf += chunk
        while b"\n\n" in buf:
            ev, buf = buf.split(b"\n\n", 1)
            for line in ev.split(b"\n"):
                if line.startswith(b"data: ") and line[6:].isdigit():
                    lat.append((now - int(line[6:])) / 1000)
    writer.close()
    return lat

def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")

def proc_cpu_rss(pid):
    st = open(f"/proc/{pid}/stat").read().split(")")[1].split()
    cpu = (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")
    hwm = [l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")][0].split()[1]
    return cpu, int(hwm) / 1024

async def main():
    server = await asyncio.start_server(provider, "127.0.0.1", 0, backlog=4096)
    pport = server.sockets[0].getsockname()[1]
    log = tempfile.NamedTemporaryFile(delete=False)
    env = dict(os.environ, PORT="0", HOST="127.0.0.1", ACCESS_LOG="off", KV_PATH=tempfile.mkdtemp(),
               VLM__BIGMODEL_BASE_URL=f"http://127.0.0.1:{pport}", VLM__BIGMODEL_API_KEY="bench", VLM__VISION_RL_LIMIT="1000000")
    edge = subprocess.Popen([a.edge, "serve"], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        eport = None
        for _ in range(200):
            for line in open(log.name):
                if '"msg":"listening"' in line: eport = int(line.split('"url":"http://127.0.0.1:')[1].split('"')[0])
            if eport: break
            await asyncio.sleep(0.05)
        payload = {"provider": "bigmodel", "prompt": "bench", "image_url": "https://example.com/a.png"}
        direct = await read_stream(pport, "/chat/completions", payload)
        proxied = await read_stream(eport, "/v1/vision/stream", payload)
        print(f"per-event latency over {a.events} events: direct p50 {pct(direct,.5):.0f} us p99 {pct(direct,.99):.0f} us; "
              f"through edge p50 {pct(proxied,.5):.0f} us p99 {pct(proxied,.99):.0f} us; "
              f"added p50 {pct(proxied,.5)-pct(direct,.5):.0f} us p99 {pct(proxied,.99)-pct(direct,.99):.0f} us (goal p99 <= 1000 us)")
        MODE["bulk"] = 256 << 20
        rates = {}
        for name, port, path in [("direct", pport, "/chat/completions"), ("edge", eport, "/v1/vision/stream")] * 2:
            n, dt = await read_bytes(port, path, payload)
            rates.setdefault(name, []).append(n / dt)
        MODE["bulk"] = 0
        d, e = max(rates["direct"]), max(rates["edge"])
        print(f"large body (256 MiB of SSE): direct {d/1e6:.0f} MB/s, through edge {e/1e6:.0f} MB/s: {e/d:.2f}x (goal >= 0.8x)")
        cpu0, _ = proc_cpu_rss(edge.pid)
        t0 = time.time()
        MODE.update(events=a.stream_events, interval_ms=a.stream_interval_ms)
        many = payload
        results = await asyncio.gather(*[read_stream(eport, "/v1/vision/stream", many) for _ in range(a.streams)], return_exceptions=True)
        wall = time.time() - t0
        cpu1, rss = proc_cpu_rss(edge.pid)
        done = sum(1 for r in results if isinstance(r, list) and len(r) == a.stream_events)
        bad = [r if not isinstance(r, list) else len(r) for r in results if not (isinstance(r, list) and len(r) == a.stream_events)]
        if bad: print("incomplete (first 5):", bad[:5])
        print(f"{a.streams} concurrent streams x {a.stream_events} events through one edge: {done} complete in {wall:.1f} s, "
              f"edge CPU {cpu1-cpu0:.1f} s ({100*(cpu1-cpu0)/wall:.0f}%), peak RSS {rss:.0f} MiB (goal: all complete, <= 256 MiB)")
        sys.exit(0 if done == a.streams else 1)
    finally:
        edge.terminate(); edge.wait(timeout=30); server.close()

asyncio.run(main())
