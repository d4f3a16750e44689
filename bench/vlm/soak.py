#!/usr/bin/env python3
"""Soak: hold POST /v1/vision/stream through a real `edge` for N seconds (default 360, the seed's
"more than 5 minutes" criterion). A loopback provider sends one SSE event per second; the client
checks that every event arrives, that no gap exceeds 30 s, and that the stream ends cleanly.
Not part of `make test`.

usage: bench/vlm/soak.py [--seconds 360] [--edge .build/release/edge]
"""
import argparse, http.client, http.server, json, os, socketserver, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--seconds", type=int, default=360)
ap.add_argument("--edge", default=".build/release/edge")
a = ap.parse_args()

class Provider(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        try:
            for i in range(a.seconds):
                self.wfile.write(f'data: {{"choices":[{{"delta":{{"content":"{i}"}}}}]}}\n\n'.encode()); self.wfile.flush()
                time.sleep(1)
            self.wfile.write(b"data: [DONE]\n\n"); self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

provider = Server(("127.0.0.1", 0), Provider)
threading.Thread(target=provider.serve_forever, daemon=True).start()
log = tempfile.NamedTemporaryFile(delete=False)
env = dict(os.environ, PORT="0", HOST="127.0.0.1", KV_PATH=tempfile.mkdtemp(),
           VLM__BIGMODEL_BASE_URL=f"http://127.0.0.1:{provider.server_port}", VLM__BIGMODEL_API_KEY="soak")
edge = subprocess.Popen([a.edge, "serve"], stdout=log, stderr=subprocess.STDOUT, env=env)
try:
    port = None
    for _ in range(200):
        for line in open(log.name):
            if '"msg":"listening"' in line:
                port = int(line.split('"url":"http://127.0.0.1:')[1].split('"')[0])
        if port: break
        time.sleep(0.05)
    assert port, "edge did not start"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"provider": "bigmodel", "prompt": "soak", "image_url": "https://example.com/a.png"})
    conn.request("POST", "/v1/vision/stream", body=body, headers={"content-type": "application/json"})
    r = conn.getresponse()
    assert r.status == 200, r.status
    start = last = time.time(); events = 0; max_gap = 0.0; buf = b""
    while True:
        chunk = r.read1(65536)
        if not chunk: break
        buf += chunk
        while b"\n\n" in buf:
            ev, buf = buf.split(b"\n\n", 1)
            if ev.startswith(b"data:"):
                now = time.time(); max_gap = max(max_gap, now - last); last = now; events += 1
                if events % 60 == 0: print(f"# {int(now - start)} s, {events} events, max gap {max_gap:.2f} s", flush=True)
    held = time.time() - start
    ok = events == a.seconds + 1 and max_gap < 30
    print(f"held {held:.0f} s, {events} events (want {a.seconds + 1}), max gap {max_gap:.2f} s: {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)
finally:
    edge.terminate(); edge.wait(timeout=20)
