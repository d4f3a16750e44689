public import EdgeRuntime

/// One line per request: method, path, route, status, duration, bytes, request id. No headers, so
/// `Authorization`, `Cookie`, `x-api-key` and `X-Admin-Token` can never appear.
struct AccessLog: Sendable {
    let format: LogFormat
    let sink: LogSink = .standardOutput

    func record(method: String, path: String, route: String?, status: Int, duration: Duration, bytes: Int, requestId: String, error: (any Error)?) {
        let (s, atto) = duration.components
        let ms = Double(s) * 1000 + Double(atto) / 1e15
        let rounded = (ms * 1000).rounded() / 1000
        switch format {
        case .json:
            var o: [String: JSONValue] = [
                "ts": .string(Timestamp.now()), "level": "info", "msg": "request", "method": .string(method),
                "path": .string(path), "status": .number(Double(status)), "durationMs": .number(rounded),
                "bytes": .number(Double(bytes)), "requestId": .string(requestId),
            ]
            o["route"] = route.map(JSONValue.string) ?? .null
            if let error { o["error"] = .string("\(error)") }
            sink.write(JSONValue.object(o).serialized)
        case .pretty:
            var line = "\(method) \(path) \(status) \(rounded)ms \(bytes)B"
            if let route { line += " [\(route)]" }
            line += " id=\(requestId)"
            if let error { line += " error=\(error)" }
            sink.write(Array(line.utf8))
        }
    }
}
