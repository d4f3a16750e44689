"""Direct baseline client for bench/fetch: same measurements as FetchBench, without our client.

  python3 direct_client.py sse-latency <url>
  python3 direct_client.py concurrent <url> <streams>
Prints the same `key=value` lines as FetchBench. HTTP/1.1 over a raw socket (chunked SSE).
"""
import asyncio, resource, sys, time
from urllib.parse import urlsplit

async def open_stream(url):
    u = urlsplit(url)
    reader, writer = await asyncio.open_connection(u.hostname, u.port or 80, limit=1 << 20)
    path = u.path + ("?" + u.query if u.query else "")
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {u.netloc}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    return reader, writer

async def events(reader):
    """Yields each SSE event's data line as it arrives (chunked transfer coding)."""
    buf = b""
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            return
        buf += await reader.readexactly(size)
        await reader.readexactly(2)
        while b"\n\n" in buf:
            ev, buf = buf.split(b"\n\n", 1)
            for line in ev.split(b"\n"):
                if line.startswith(b"data: "):
                    yield line[6:]

def pct(xs, p):
    return xs[min(len(xs) - 1, int((len(xs) - 1) * p))] if xs else float("nan")

async def sse_latency(url):
    reader, writer = await open_stream(url)
    lat = []
    async for data in events(reader):
        now = time.monotonic_ns()
        if data.startswith(b"t="):
            lat.append((now - int(data[2:])) / 1000)
    writer.close()
    lat.sort()
    print(f"mode=sse-latency events={len(lat)} p50_us={pct(lat, .5):.1f} p99_us={pct(lat, .99):.1f}")

async def concurrent(url, streams):
    t0 = time.monotonic(); c0 = time.process_time()
    async def one():
        reader, writer = await open_stream(url)
        n = 0
        async for _ in events(reader):
            n += 1
        writer.close()
        return n
    results = await asyncio.gather(*(one() for _ in range(streams)), return_exceptions=True)
    ok = [r for r in results if isinstance(r, int)]
    wall = time.monotonic() - t0; cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mode=concurrent streams={streams} completed={len(ok)} failed={streams - len(ok)} events={sum(ok)} "
          f"wall_s={wall:.1f} cpu_s={cpu:.1f} cpu_pct={100 * cpu / wall:.1f} rss_peak_mib={rss:.1f}")

mode, url = sys.argv[1], sys.argv[2]
if mode == "sse-latency":
    asyncio.run(sse_latency(url))
elif mode == "concurrent":
    asyncio.run(concurrent(url, int(sys.argv[3])))
else:
    sys.exit("unknown mode " + mode)
