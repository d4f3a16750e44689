public import EdgeRuntime

/// A swift-log handler writing one JSON object (or a pretty line) per event to a ``LogSink``.
public struct EdgeLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let format: LogFormat
    let sink: LogSink

    public init(label: String, level: Logger.Level, format: LogFormat, sink: LogSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        switch format {
        case .json:
            var o: JSONObject = ["ts": .string(Timestamp.now()), "level": .string(event.level.rawValue), "msg": .string("\(event.message)")]
            for (k, v) in merged.sorted(by: { $0.key < $1.key }) { o[k] = Self.json(v) }
            sink.write(JSONValue.object(o).serialized)
        case .pretty:
            var line = "\(Timestamp.now()) \(event.level.rawValue.uppercased()) \(event.message)"
            for k in merged.keys.sorted() { line += " \(k)=\(merged[k]!)" }
            sink.write(Array(line.utf8))
        }
    }

    static func json(_ v: Logger.MetadataValue) -> JSONValue {
        switch v {
        case .string(let s): return .string(s)
        case .stringConvertible(let c):
            if let i = c as? Int { return .number(Double(i)) }
            if let d = c as? Double { return .number(d) }
            return .string(c.description)
        case .array(let a): return .array(a.map(json))
        case .dictionary(let d): return JSONValue(d.mapValues(json))
        }
    }
}
