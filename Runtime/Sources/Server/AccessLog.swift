import EdgeRuntime
import EdgeTrace

/// One line per request: method, path, route, status, duration, bytes, request id, the trace id (only
/// when the request carried a valid W3C `traceparent`, see ``TraceParent``), then the route's app and
/// the fields the app and handler added (``AppPolicy/logFields``, ``Context/logField(_:_:)``).
///
/// The field vocabulary, shared by every JSON line: `ts`, `level`, `msg` (`"request"`), `method`, `path`,
/// `route` (the pattern, or null when none matched), `status`, `durationMs` (three decimals), `bytes`,
/// `requestId`, `traceId`, `error`, `app`. The line is written at level info: `LOG_LEVEL` above info
/// turns it off, as does `ACCESS_LOG=off`.
/// No headers, so `Authorization`, `Cookie`, `x-api-key` and `X-Admin-Token` never appear unless an app
/// puts one in a field. `ACCESS_LOG=off` turns it off (application logs stay).
struct AccessLog: Sendable {
    let format: LogFormat
    let enabled: Bool
    let sink: LogSink = .standardOutput

    init(format: LogFormat, enabled: Bool = true) {
        self.format = format
        self.enabled = enabled
    }

    func record(method: String, path: String, route: String?, status: Int, duration: Duration, bytes: Int, requestId: String, traceId: TraceID? = nil, error: (any Error)?,
                app: String? = nil, fields: [(String, String)] = []) {
        guard enabled else { return }
        let (s, atto) = duration.components
        let micros = Int(s) * 1_000_000 + Int(atto / 1_000_000_000_000)
        switch format {
        case .json:
            let errorText = error.map { "\($0)" }
            // Written by hand straight into the sink's buffer (this runs for every request): keys in a fixed order.
            sink.writeLine { out in
                out += Fragment.open
                Timestamp.appendNow(to: &out)
                out += Fragment.method
                Self.appendQuoted(method, to: &out)  // an HTTP token: nothing to escape
                out += Fragment.path
                JSONValue.writeString(path, into: &out)
                out += Fragment.route
                if let route { JSONValue.writeString(route, into: &out) } else { out += Fragment.null }
                out += Fragment.status
                Self.appendDecimal(status, to: &out)
                out += Fragment.duration
                Self.appendMilliseconds(micros: micros, to: &out)
                out += Fragment.bytes
                Self.appendDecimal(bytes, to: &out)
                out += Fragment.requestId
                Self.appendQuoted(requestId, to: &out)  // RequestID's alphabet: nothing to escape
                if let traceId {
                    out += Fragment.traceId
                    out.append(UInt8(ascii: "\""))
                    traceId.appendHex(to: &out)
                    out.append(UInt8(ascii: "\""))
                }
                if let errorText {
                    out += Fragment.error
                    JSONValue.writeString(errorText, into: &out)
                }
                if let app {
                    out += Fragment.app
                    JSONValue.writeString(app, into: &out)
                }
                for (name, value) in fields {
                    out.append(UInt8(ascii: ","))
                    JSONValue.writeString(name, into: &out)
                    out.append(UInt8(ascii: ":"))
                    JSONValue.writeString(value, into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        case .pretty:
            var msBytes: [UInt8] = []
            Self.appendMilliseconds(micros: micros, to: &msBytes)
            let ms = String(decoding: msBytes, as: UTF8.self)
            var line = "\(method) \(path) \(status) \(ms)ms \(bytes)B"
            if let route { line += " [\(route)]" }
            line += " id=\(requestId)"
            if let traceId { line += " trace=\(traceId.hex)" }
            if let error { line += " error=\(error)" }
            if let app { line += " app=\(app)" }
            for (name, value) in fields { line += " \(name)=\(value)" }
            sink.write(Array(line.utf8))
        }
    }

    /// The fixed parts of a JSON line, as bytes once.
    private enum Fragment {
        static let open = Array(#"{"ts":""#.utf8)
        static let method = Array(#"","level":"info","msg":"request","method":"#.utf8)
        static let path = Array(#","path":"#.utf8)
        static let route = Array(#","route":"#.utf8)
        static let status = Array(#","status":"#.utf8)
        static let duration = Array(#","durationMs":"#.utf8)
        static let bytes = Array(#","bytes":"#.utf8)
        static let requestId = Array(#","requestId":"#.utf8)
        static let traceId = Array(#","traceId":"#.utf8)
        static let error = Array(#","error":"#.utf8)
        static let app = Array(#","app":"#.utf8)
        static let null = Array("null".utf8)
    }

    /// `"s"` for strings whose alphabet needs no JSON escaping (checked by their producers).
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: s.utf8)
        out.append(UInt8(ascii: "\""))
    }

    /// `n` in decimal ASCII.
    static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimal(n.magnitude, to: &out)
    }

    static func appendDecimal(_ n: UInt, to out: inout [UInt8]) {
        if n >= 10 { appendDecimal(n / 10, to: &out) }
        out.append(UInt8(truncatingIfNeeded: 0x30 + n % 10))
    }

    /// Microseconds as milliseconds with three decimals (`12.345`).
    static func appendMilliseconds(micros: Int, to out: inout [UInt8]) {
        let m = max(micros, 0)
        appendDecimal(m / 1000, to: &out)
        out.append(UInt8(ascii: "."))
        let frac = m % 1000
        out.append(UInt8(truncatingIfNeeded: 0x30 + frac / 100))
        out.append(UInt8(truncatingIfNeeded: 0x30 + (frac / 10) % 10))
        out.append(UInt8(truncatingIfNeeded: 0x30 + frac % 10))
    }
}
