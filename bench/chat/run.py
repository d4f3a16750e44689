#!/usr/bin/env python3
"""bench/chat: system 001 (the chat proxy) through a real `edge` vs straight to the provider, one run.

A loopback OpenAI-compatible provider (asyncio) stamps every SSE chunk with CLOCK_MONOTONIC ns; the
client measures, per chunk, receive time minus stamp, straight from the provider and through edge:
the difference is edge's added latency per chunk (p50, p99; goal p99 <= 1 ms). Then N concurrent
streams through edge with persistence on: all must end with [DONE] and the `_conversation` event, each
conversation must hold exactly 2 messages (the user row at start, the assistant row at the end;
checked over HTTP), and edge's peak RSS is read from /proc. Last, non-streaming req/s with wrk, through
edge vs direct. Prints key=value lines and the ratios. Not part of `make test`.

usage: bench/chat/run.py [--edge .build/release/edge] [--streams 500] [--chunks 200] [--interval-ms 5]
                         [--seconds 5] [--connections 32]
"""
import argparse, asyncio, json, os, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--edge", default=".build/release/edge")
ap.add_argument("--streams", type=int, default=500)
ap.add_argument("--chunks", type=int, default=200)
ap.add_argument("--interval-ms", type=float, default=5)
ap.add_argument("--seconds", type=int, default=5)
ap.add_argument("--connections", type=int, default=32)
a = ap.parse_args()

JSON_BODY = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there"}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}).encode()


async def provider(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = json.loads(await reader.readexactly(length)) if length else {}
            if not body.get("stream"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(JSON_BODY), JSON_BODY))
                await writer.drain()
                continue
            n = int(body.get("n_chunks", a.chunks))
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            await writer.drain()
            for i in range(n):
                await asyncio.sleep(a.interval_ms / 1000)
                ev = b'data: {"choices":[{"index":0,"delta":{"content":"x"}}],"t":%d}\n\n' % time.monotonic_ns()
                writer.write(b"%x\r\n%s\r\n" % (len(ev), ev))
                await writer.drain()
            for ev in (b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n', b"data: [DONE]\n\n"):
                writer.write(b"%x\r\n%s\r\n" % (len(ev), ev))
            writer.write(b"0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def stream(port, path, payload, headers=""):
    """POSTs `payload`, reads the chunked SSE answer; returns (per-chunk latencies ns, raw text)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps(payload).encode()
    writer.write(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                 % (path.encode(), headers.encode(), len(body), body))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n")[0], head
    lat, text, buf = [], [], b""
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        data = await reader.readexactly(size + 2)
        now = time.monotonic_ns()
        buf += data[:-2]
        while b"\n\n" in buf:
            ev, buf = buf.split(b"\n\n", 1)
            text.append(ev.decode())
            if b'"t":' in ev:
                lat.append(now - int(ev.rsplit(b'"t":', 1)[1].rstrip(b"}")))
    writer.close()
    return lat, text


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")


def wrk_rps(url, spread_ips=False):
    """wrk POSTs for --seconds; with `spread_ips`, each request claims a random client address in
    `X-Forwarded-For` (edge runs with TRUST_PROXY=1), so the per-IP limiter's keys are many, as with
    many real clients, instead of one loopback address."""
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write('wrk.method = "POST"\nwrk.body = \'{"messages":[{"role":"user","content":"hi"}]}\'\n'
              'wrk.headers["Content-Type"] = "application/json"\n')
    if spread_ips:
        lua.write('request = function()\n  wrk.headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. '
                  'math.random(0, 255) .. "." .. math.random(1, 254)\n  return wrk.format()\nend\n')
    lua.close()
    out = subprocess.run(["wrk", "-t2", f"-c{a.connections}", f"-d{a.seconds}s", "-s", lua.name, url],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1]), out
    return float("nan"), out


async def main():
    server = await asyncio.start_server(provider, "127.0.0.1", 0)
    pport = server.sockets[0].getsockname()[1]
    env = dict(os.environ, PORT="0", HOST="127.0.0.1", TRUST_PROXY="1",
               CHAT__PROVIDER_BASE_URL=f"http://127.0.0.1:{pport}/v1", CHAT__PROVIDER_API_KEY="bench",
               CHAT__PERSIST_TRANSCRIPTS="false", CHAT__RATE_LIMIT_MAX="5000", CHAT__RATE_LIMIT_WINDOW_SEC="1",
               CHAT__MAX_CONVERSATIONS_PER_SESSION="1000000")
    procs = []

    async def start_edge(persist):
        env["CHAT__PERSIST_TRANSCRIPTS"] = "true" if persist else "false"
        env["KV_PATH"] = tempfile.mkdtemp()
        log = tempfile.NamedTemporaryFile(delete=False)
        p = subprocess.Popen([a.edge, "serve", "--workers", "0"], stdout=log, stderr=subprocess.STDOUT, env=env)
        procs.append(p)
        for _ in range(400):
            lines = [l for l in open(log.name).read().splitlines() if '"msg":"listening"' in l]
            if lines:
                port = int(lines[0].split('"url":"http://127.0.0.1:')[1].split('"')[0])
                if await alive(port):
                    return p, port
            await asyncio.sleep(0.05)
        raise SystemExit("edge did not start:\n" + open(log.name).read())

    async def alive(port):
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port)
            w.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            await w.drain()
            ok = b" 200 " in (await r.readline())
            w.close()
            return ok
        except OSError:
            return False

    try:
        # 1. Added latency per streamed chunk (one stream at a time, persistence off).
        edge, eport = await start_edge(persist=False)
        payload = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
        direct, through = [], []
        for _ in range(5):
            direct += (await stream(pport, "/v1/chat/completions", payload))[0]
            through += (await stream(eport, "/v1/chat/completions", payload))[0]
        print(f"chunks_measured={len(through)}")
        print(f"direct_chunk_latency_us p50={pct(direct, .5) / 1000:.1f} p99={pct(direct, .99) / 1000:.1f}")
        print(f"edge_chunk_latency_us p50={pct(through, .5) / 1000:.1f} p99={pct(through, .99) / 1000:.1f}")
        print(f"added_latency_us p50={(pct(through, .5) - pct(direct, .5)) / 1000:.1f} p99={(pct(through, .99) - pct(direct, .99)) / 1000:.1f}")

        # 3. Non-streaming req/s, through edge vs direct.
        rps_edge, out = await asyncio.to_thread(wrk_rps, f"http://127.0.0.1:{eport}/v1/chat/completions")
        rps_direct, _ = await asyncio.to_thread(wrk_rps, f"http://127.0.0.1:{pport}/v1/chat/completions")
        non200 = [l for l in out.splitlines() if "Non-2xx" in l]
        print(f"nonstream_rps_one_client_ip edge={rps_edge:.0f} direct={rps_direct:.0f} ratio_edge_over_direct={rps_edge / rps_direct:.2f} {' '.join(non200)}")
        rps_spread, out = await asyncio.to_thread(wrk_rps, f"http://127.0.0.1:{eport}/v1/chat/completions", True)
        non200 = [l for l in out.splitlines() if "Non-2xx" in l]
        print(f"nonstream_rps_many_client_ips edge={rps_spread:.0f} direct={rps_direct:.0f} ratio_edge_over_direct={rps_spread / rps_direct:.2f} {' '.join(non200)}")
        edge.terminate(); edge.wait()

        # 2. N concurrent streams with persistence on.
        edge, eport = await start_edge(persist=True)
        payload = {"model": "m", "stream": True, "n_chunks": 50, "messages": [{"role": "user", "content": "bench question"}]}
        t0 = time.monotonic()
        results = await asyncio.gather(*[stream(eport, "/v1/chat/completions", payload, f"x-session-id: s{i}\r\n")
                                         for i in range(a.streams)], return_exceptions=True)
        took = time.monotonic() - t0
        ok = [r for r in results if not isinstance(r, Exception) and "data: [DONE]" in r[1] and r[1][-1].startswith('data: {"_conversation"')]
        print(f"streams={a.streams} completed={len(ok)} seconds={took:.1f} failures={[repr(r)[:120] for r in results if isinstance(r, Exception)][:3]}")
        hwm = [l for l in open(f"/proc/{edge.pid}/status") if l.startswith("VmHWM")]
        print(f"edge_peak_rss={hwm[0].split(':')[1].strip() if hwm else '?'}")
        counts = {}
        for i, r in enumerate(ok):
            conv = json.loads(r[1][-1][len("data: "):])["_conversation"]["id"]
            rr, ww = await asyncio.open_connection("127.0.0.1", eport)
            ww.write(b"GET /v1/conversations/%s HTTP/1.1\r\nHost: x\r\nx-session-id: s%d\r\nConnection: close\r\n\r\n" % (conv.encode(), i))
            await ww.drain()
            raw = await rr.read()
            ww.close()
            n = len(json.loads(raw.split(b"\r\n\r\n", 1)[1])["messages"]) if b" 200 " in raw.split(b"\r\n")[0] else -1
            counts[n] = counts.get(n, 0) + 1
        print(f"messages_per_conversation={counts} (KV commits per stream: 1 conversation+user row, 1 assistant row+title, plus 1 limiter commit per request)")
        edge.terminate(); edge.wait()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        server.close()

asyncio.run(main())
