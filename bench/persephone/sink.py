"""A plain file sink for the upload benchmark: POST bodies are streamed to a file in 1 MiB reads, then
200 {}. The peer a multipart upload is compared against (no parsing, no hashing: the floor).

Usage: sink.py PORT DIR [fsync]. With `fsync` the file is flushed to disk before the answer, as edge's
upload is (the durable floor); without it the answer comes while the data may still be in the page cache."""
import http.server, os, sys, tempfile

class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        left = int(self.headers.get("content-length", "0"))
        fd, path = tempfile.mkstemp(dir=sys.argv[2])
        with os.fdopen(fd, "wb") as f:
            while left > 0:
                b = self.rfile.read(min(left, 1 << 20))
                if not b:
                    break
                f.write(b)
                left -= len(b)
            if DURABLE:
                f.flush()
                os.fsync(f.fileno())
        os.unlink(path)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *a):
        pass

DURABLE = len(sys.argv) > 3 and sys.argv[3] == "fsync"
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
