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
        if let extra = event.metadata, !extra.isEmpty {
            if merged.isEmpty { merged = extra } else { merged.merge(extra) { _, new in new } }
        }
        switch format {
        case .json:
            let keys = merged.keys.sorted()
            if keys.contains(where: Self.reserved.contains) {
                // A metadata key named like a fixed member replaces its value in place (JSONObject's rule).
                var o: JSONObject = ["ts": .string(Timestamp.now()), "level": .string(event.level.rawValue), "msg": .string("\(event.message)")]
                for k in keys { o[k] = Self.json(merged[k]!) }
                sink.write(JSONValue.object(o).serialized)
                return
            }
            // The same line written straight into the sink's buffer (logging runs on request paths).
            sink.writeLine { out in
                out += Self.openTimestamp
                Timestamp.appendNow(to: &out)
                out += Self.levelMember
                out.append(contentsOf: event.level.rawValue.utf8)
                out += Self.messageMember
                JSONValue.writeString(event.message.description, into: &out)
                for k in keys {
                    out.append(UInt8(ascii: ","))
                    JSONValue.writeString(k, into: &out)
                    out.append(UInt8(ascii: ":"))
                    Self.write(merged[k]!, into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        case .pretty:
            var line = "\(Timestamp.now()) \(event.level.rawValue.uppercased()) \(event.message)"
            for k in merged.keys.sorted() { line += " \(k)=\(merged[k]!)" }
            sink.write(Array(line.utf8))
        }
    }

    /// The members every JSON line starts with.
    private static let reserved: Set<String> = ["ts", "level", "msg"]
    private static let openTimestamp = Array(#"{"ts":""#.utf8)
    private static let levelMember = Array(#"","level":""#.utf8)
    private static let messageMember = Array(#"","msg":"#.utf8)

    /// ``json(_:)``'s text for a metadata value, strings and numbers without building a `JSONValue`.
    static func write(_ v: Logger.MetadataValue, into out: inout [UInt8]) {
        switch v {
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .stringConvertible(let c):
            if let i = c as? Int { JSONValue.writeNumber(Double(i), into: &out) }
            else if let d = c as? Double { JSONValue.writeNumber(d, into: &out) }
            else { JSONValue.writeString(c.description, into: &out) }
        case .array, .dictionary: json(v).write(to: &out)
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
