import Foundation

/// A fake OpenAI-compatible provider on 127.0.0.1 (Python's http.server in a child process).
/// The first path segment of the base URL picks the behaviour:
/// - `json`: a chat completion that echoes the request (path, auth headers, body);
/// - `status-<code>`: that status with an OpenAI-style JSON error;
/// - `text`: 200 with a non-JSON body;
/// - `slow-<ms>`: waits before answering JSON;
/// - `sse-<count>-<delayms>[-drop]`: `count` chunks `delay` apart, then `[DONE]` (or a TCP reset);
/// - `silent-<ms>`: one chunk, silence for `ms`, one chunk, `[DONE]`.
final class VLMFakeProvider: @unchecked Sendable {
    static let script = #"""
import http.server, json, os, signal, socket, struct, sys, threading, time
signal.signal(signal.SIGTERM, signal.SIG_DFL)
def watch_parent():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=watch_parent, daemon=True).start()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *a): pass
    def send(self, code, ctype, data):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def event(self, obj):
        self.wfile.write(("data: " + json.dumps(obj) + "\n\n").encode())
        self.wfile.flush()
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        parts = self.path.strip("/").split("/")[0].split("-")
        kind = parts[0]
        if kind in ("json", "slow"):
            if kind == "slow": time.sleep(int(parts[1]) / 1000)
            echo = {"path": self.path, "authorization": self.headers.get("Authorization"),
                    "referer": self.headers.get("HTTP-Referer"), "title": self.headers.get("X-Title"),
                    "accept": self.headers.get("Accept"), "body": json.loads(raw)}
            out = {"id": "cmpl-1", "object": "chat.completion",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}], "echo": echo}
            self.send(200, "application/json", json.dumps(out).encode())
        elif kind == "status":
            code = int(parts[1])
            self.send(code, "application/json", json.dumps({"error": {"message": "upstream says no", "type": "x", "code": code}}).encode())
        elif kind == "text":
            self.send(200, "text/plain", b"this is not json")
        elif kind == "sse":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i in range(int(parts[1])):
                self.event({"choices": [{"delta": {"content": "t%d" % i}}]})
                time.sleep(int(parts[2]) / 1000)
            if "drop" in parts:
                self.wfile.write(b'data: {"partial')
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                return
            self.wfile.write(b"data: [DONE]\n\n")
        elif kind == "silent":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.event({"choices": [{"delta": {"content": "a"}}]})
            time.sleep(int(parts[1]) / 1000)
            self.event({"choices": [{"delta": {"content": "b"}}]})
            self.wfile.write(b"data: [DONE]\n\n")
        else:
            self.send(404, "application/json", b'{"error":"no such mode"}')
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
print(srv.server_address[1], flush=True)
srv.serve_forever()
"""#

    let process = Process()
    /// The child exits when this pipe closes (the test process ended, even by a crash).
    let lifeline = Pipe()
    let port: Int

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-u", "-c", Self.script]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = lifeline
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            line.append(d)
        }
        guard let p = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadUnknown)
        }
        port = p
    }

    func base(_ mode: String) -> String { "http://127.0.0.1:\(port)/\(mode)" }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
