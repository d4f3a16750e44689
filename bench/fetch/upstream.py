"""Benchmark upstream for bench/fetch (asyncio, HTTP/1.1, keep-alive).

GET /sse?n=N&interval_ms=M   chunked text/event-stream; each event is `data: t=<CLOCK_MONOTONIC ns>`
                             stamped just before it is written (for per-event latency).
GET /big?size=BYTES          Content-Length body of BYTES bytes, written in 256 KiB slices.
Prints `PORT <port>` on stdout once listening. Usage: python3 upstream.py [port]
"""
import asyncio, sys, time
from urllib.parse import urlsplit, parse_qs

BLOCK = b"x" * (256 * 1024)

async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            u = urlsplit(target); q = {k: v[0] for k, v in parse_qs(u.query).items()}
            if u.path == "/sse":
                n = int(q.get("n", "100")); interval = float(q.get("interval_ms", "10")) / 1000
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                await writer.drain()
                for i in range(n):
                    await asyncio.sleep(interval)
                    ev = b"id: %d\ndata: t=%d\n\n" % (i, time.monotonic_ns())
                    writer.write(b"%x\r\n%s\r\n" % (len(ev), ev))
                    await writer.drain()
                writer.write(b"0\r\n\r\n"); await writer.drain()
            elif u.path == "/big":
                size = int(q["size"]); sent = 0
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
                while sent < size:
                    n = min(len(BLOCK), size - sent)
                    writer.write(BLOCK[:n] if n < len(BLOCK) else BLOCK); sent += n
                    await writer.drain()
            else:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"); await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()

async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096, limit=1 << 20)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
