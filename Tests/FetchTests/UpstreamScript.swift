// Generated from the script below by hand; keep it self-contained (tests must not depend on bench/).
/// The loopback upstream used by every live test: a threaded HTTP/1.1 server in Python 3.
///
/// Endpoints: `/sse?n&delay` (chunked SSE), `/drop?n&delay` (SSE, then an abrupt close), `/big?size`
/// (Content-Length body, byte i = i % 251), `/stall?phase=head|body&seconds`, `/redirect?code&hops&to`,
/// `/echo` (echoes the request body; X-Method, X-Body-Length, X-Auth), `/status?code`, and absolute-form
/// targets (acts as a proxy). It logs `request`, `sent`, `closed`, `done`, `chunk`, `accept` lines with
/// the `tag` query parameter, so tests can observe what the upstream saw. It also opens a "blackhole"
/// port whose accept queue is full, so connecting to it hangs (connect-timeout tests), and a TLS port
/// (same endpoints) with a fresh self-signed certificate for 127.0.0.1 written to `CERT`.
let upstreamScript = #"""
import socket, threading, sys, time, select, ssl, subprocess, tempfile, os
from urllib.parse import urlsplit, parse_qs

lock = threading.Lock()
def log(*a):
    with lock:
        sys.stdout.write(" ".join(str(x) for x in a) + "\n"); sys.stdout.flush()

BLOCK = bytes(range(251)) * 300

class Conn:
    def __init__(self, sock):
        self.sock = sock; self.buf = b""
    def fill(self):
        d = self.sock.recv(65536)
        if not d: raise EOFError()
        self.buf += d
    def read_until(self, sep):
        while sep not in self.buf: self.fill()
        line, self.buf = self.buf.split(sep, 1)
        return line
    def read_exact(self, n):
        while len(self.buf) < n: self.fill()
        d, self.buf = self.buf[:n], self.buf[n:]
        return d
    def send(self, data):
        self.sock.sendall(data)
    def chunk(self, data):
        self.sock.sendall(b"%x\r\n%s\r\n" % (len(data), data))
    def peer_closed(self, timeout):
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0: return False
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                try: d = self.sock.recv(65536)
                except OSError: return True
                if not d: return True

def read_body(c, headers, on_chunk):
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int(c.read_until(b"\r\n").split(b";")[0], 16)
            if size == 0:
                c.read_until(b"\r\n"); return
            on_chunk(c.read_exact(size)); c.read_exact(2)
    n = int(headers.get("content-length", "0"))
    if n: on_chunk(c.read_exact(n))

def respond(c, status, body=b"", headers=()):
    h = "HTTP/1.1 %d X\r\nContent-Length: %d\r\n" % (status, len(body))
    for k, v in headers: h += "%s: %s\r\n" % (k, v)
    c.send(h.encode() + b"\r\n" + body)
    return True

def handle(c, method, target, headers, conn_id):
    if target.startswith("http://"):
        read_body(c, headers, lambda d: None)
        return respond(c, 200, b"proxied " + target.encode())
    u = urlsplit(target); q = {k: v[0] for k, v in parse_qs(u.query).items()}
    tag = q.get("tag", "-"); path = u.path
    log("request", tag, method, path, "conn", conn_id)
    if path in ("/sse", "/drop"):
        n = int(q.get("n", "3")); delay = float(q.get("delay", "0.1")); drop = path == "/drop"
        c.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n")
        for i in range(n):
            try: c.chunk(b"id: %d\ndata: event %d\n\n" % (i, i))
            except OSError: log("closed", tag); return False
            log("sent", tag, i)
            if i + 1 < n and c.peer_closed(delay): log("closed", tag); return False
        if drop:
            log("dropped", tag); c.sock.shutdown(socket.SHUT_RDWR); return False
        c.send(b"0\r\n\r\n"); log("done", tag); return True
    if path == "/big":
        size = int(q["size"]); sent = 0
        c.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % size)
        try:
            while sent < size:
                off = sent % 251; n = min(65536, size - sent)
                c.send(BLOCK[off:off + n]); sent += n
        except OSError:
            log("closed", tag, sent); return False
        log("bigdone", tag, sent); return True
    if path == "/stall":
        seconds = float(q.get("seconds", "10"))
        if q.get("phase") == "body":
            c.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            c.chunk(b"data: first\n\n")
        if c.peer_closed(seconds): log("closed", tag); return False
        log("stall-over", tag); return False
    if path == "/redirect":
        hops = int(q.get("hops", "1")); code = int(q.get("code", "302")); to = q.get("to", "/echo")
        read_body(c, headers, lambda d: None)
        loc = to if hops <= 1 else "/redirect?code=%d&hops=%d&to=%s&tag=%s" % (code, hops - 1, to.replace("&", "%26").replace("?", "%3F"), tag)
        return respond(c, code, b"redirecting", [("Location", loc)])
    if path == "/echo":
        got = []
        def on_chunk(d):
            got.append(d); log("chunk", tag, len(d))
        read_body(c, headers, on_chunk)
        body = b"".join(got)
        return respond(c, 200, body, [("X-Method", method), ("X-Body-Length", str(len(body))),
                                     ("X-Auth", headers.get("authorization", "none"))])
    if path == "/status":
        return respond(c, int(q.get("code", "200")), b"status body")
    return respond(c, 404, b"not found")

def serve(sock, conn_id):
    c = Conn(sock)
    try:
        while True:
            try:
                if not c.buf: c.fill()
                if c.buf[:1] == b"\x16":  # a TLS ClientHello on this plain-HTTP port
                    c.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"); return
                head = c.read_until(b"\r\n\r\n")
            except (EOFError, OSError): return
            lines = head.decode("latin1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for l in lines[1:]:
                k, v = l.split(":", 1); headers[k.strip().lower()] = v.strip()
            if not handle(c, method, target, headers, conn_id): return
    except Exception as e:
        log("error", repr(e))
    finally:
        try: sock.close()
        except OSError: pass

def main():
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0)); srv.listen(1024)
    hole = socket.socket(); hole.bind(("127.0.0.1", 0)); hole.listen(0)
    fillers = []
    for _ in range(4):
        f = socket.socket(); f.setblocking(False); f.connect_ex(hole.getsockname()); fillers.append(f)
    # A TLS port with a fresh self-signed certificate for 127.0.0.1 (not in any CA store).
    d = tempfile.mkdtemp()
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key); ctx.set_alpn_protocols(["http/1.1"])
    tls = socket.socket(); tls.bind(("127.0.0.1", 0)); tls.listen(64)
    def tls_accept():
        m = 0
        while True:
            s, _ = tls.accept(); m += 1
            def run(s=s, m=m):
                try: t = ctx.wrap_socket(s, server_side=True)
                except (ssl.SSLError, OSError) as e:
                    log("tls-handshake-failed", m); s.close(); return
                serve(t, "tls%d" % m)
            threading.Thread(target=run, daemon=True).start()
    threading.Thread(target=tls_accept, daemon=True).start()
    log("PORT", srv.getsockname()[1], "BLACKHOLE", hole.getsockname()[1], "TLSPORT", tls.getsockname()[1], "CERT", cert)
    n = 0
    while True:
        s, _ = srv.accept(); n += 1
        log("accept", n)
        threading.Thread(target=serve, args=(s, n), daemon=True).start()

threading.Thread(target=main, daemon=True).start()
sys.stdin.read()  # exit when the parent closes stdin (or dies)
"""#
