public import EdgeRuntime

/// A swift-log handler writing one JSON object (or a pretty line) per event to a ``LogSink``.
public struct EdgeLogHandler: LogHandler {
    /// The handler's metadata in key order. A request's logger carries two or three entries, set once per
    /// request and written on every line: a short sorted array is set and written without hashing, sorting
    /// or allocating per line (a `Logger.Metadata` dictionary cost ~1.5k instructions per key set and a
    /// sort of its keys per line).
    private var entries = MetadataEntries()
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

    public var metadata: Logger.Metadata {
        get { entries.dictionary }
        set { entries = MetadataEntries(newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = entries
        if let extra = event.metadata {
            for (k, v) in extra { merged[k] = v }
        }
        switch format {
        case .json:
            if merged.pairs.contains(where: { Self.isReserved($0.key) }) {
                // A metadata key named like a fixed member replaces its value in place (JSONObject's rule).
                var o: JSONObject = ["ts": .string(Timestamp.now()), "level": .string(event.level.rawValue), "msg": .string("\(event.message)")]
                for pair in merged.pairs { o[pair.key] = Self.json(pair.value) }
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
                for pair in merged.pairs {
                    out.append(UInt8(ascii: ","))
                    JSONValue.writeString(pair.key, into: &out)
                    out.append(UInt8(ascii: ":"))
                    Self.write(pair.value, into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        case .pretty:
            var line = "\(Timestamp.now()) \(event.level.rawValue.uppercased()) \(event.message)"
            for pair in merged.pairs { line += " \(pair.key)=\(pair.value)" }
            sink.write(Array(line.utf8))
        }
    }

    /// `ts`, `level` or `msg`: the members every JSON line starts with.
    static func isReserved(_ key: String) -> Bool {
        switch key.utf8.count {
        case 2: return key == "ts"
        case 3: return key == "msg"
        case 5: return key == "level"
        default: return false
        }
    }

    /// The members every JSON line starts with.
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
