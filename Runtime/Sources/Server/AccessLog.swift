public import EdgeRuntime

/// One line per request: method, path, route, status, duration, bytes, request id. No headers, so
/// `Authorization`, `Cookie`, `x-api-key` and `X-Admin-Token` can never appear. `ACCESS_LOG=off`
/// turns it off (application logs stay).
struct AccessLog: Sendable {
    let format: LogFormat
    let enabled: Bool
    let sink: LogSink = .standardOutput

    init(format: LogFormat, enabled: Bool = true) {
        self.format = format
        self.enabled = enabled
    }

    func record(method: String, path: String, route: String?, status: Int, duration: Duration, bytes: Int, requestId: String, error: (any Error)?) {
        guard enabled else { return }
        let (s, atto) = duration.components
        let micros = s * 1_000_000 + atto / 1_000_000_000_000
        let ms = "\(micros / 1000).\(String(1000 + micros % 1000).dropFirst())"
        switch format {
        case .json:
            // Written by hand (this runs for every request): keys in a fixed order.
            var out: [UInt8] = []
            out.reserveCapacity(256)
            out += #"{"ts":""#.utf8
            out += Timestamp.now().utf8
            out += #"","level":"info","msg":"request","method":"#.utf8
            JSONValue.writeString(method, into: &out)
            out += #","path":"#.utf8
            JSONValue.writeString(path, into: &out)
            out += #","route":"#.utf8
            if let route { JSONValue.writeString(route, into: &out) } else { out += "null".utf8 }
            out += #","status":\#(status),"durationMs":\#(ms),"bytes":\#(bytes),"requestId":"#.utf8
            JSONValue.writeString(requestId, into: &out)
            if let error {
                out += #","error":"#.utf8
                JSONValue.writeString("\(error)", into: &out)
            }
            out += "}".utf8
            sink.write(out)
        case .pretty:
            var line = "\(method) \(path) \(status) \(ms)ms \(bytes)B"
            if let route { line += " [\(route)]" }
            line += " id=\(requestId)"
            if let error { line += " error=\(error)" }
            sink.write(Array(line.utf8))
        }
    }
}
