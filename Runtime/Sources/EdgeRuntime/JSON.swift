import FoundationEssentials

/// JSON coding used by requests, responses and the error envelope.
public enum JSON {
    /// Encodes any value as compact JSON bytes.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if let v = value as? JSONValue { return v.serialized }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Decodes JSON bytes; a malformed document becomes ``HTTPError`` 400 `invalid_json`. A
    /// ``JSONValue`` is parsed in one linear pass with a nesting limit (a hostile body cannot cost more
    /// than its size); other types go through `JSONDecoder`.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        if T.self == JSONValue.self {
            do { return try JSONValue.parse(bytes) as! T } catch {
                throw HTTPError(.badRequest, code: "invalid_json", message: "Malformed JSON: \(error.description)")
            }
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, code: "invalid_json", message: JSON.describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : " at \(p)"
        }
        switch error {
        case .dataCorrupted(let ctx): return "Malformed JSON\(path(ctx))"
        case .keyNotFound(let key, let ctx): return "Missing field '\(key.stringValue)'\(path(ctx))"
        case .typeMismatch(let type, let ctx): return "Wrong type\(path(ctx)): expected \(type)"
        case .valueNotFound(let type, let ctx): return "Missing value\(path(ctx)): expected \(type)"
        @unknown default: return "Invalid JSON"
        }
    }
}
