/// A value in its stored form: an encoding tag and the encoded bytes.
///
/// Encodings (the byte is stored in front of the payload in the store):
/// - `structured` (1): binary form of a `KvValue` tree (see `KvValue+Binary.swift`);
/// - `u64` (2): 8 little-endian bytes (Deno's LE64);
/// - `bytes` (3): raw bytes (Deno's BYTES, a top-level `Uint8Array`);
/// - `json` (4): UTF-8 JSON text of a Codable value.
///
/// The value size limit (64 KiB) applies to `payload.count`.
package struct KvStoredValue: Sendable, Equatable {
    public enum Encoding: UInt8, Sendable {
        case structured = 1
        case u64 = 2
        case bytes = 3
        case json = 4
    }

    public let encoding: Encoding
    /// The encoded bytes (may share a larger buffer, e.g. one read batch).
    public let bytes: ArraySlice<UInt8>

    /// The encoded bytes as an array.
    public var payload: [UInt8] { Array(bytes) }

    public init(encoding: Encoding, payload: [UInt8]) {
        self.encoding = encoding
        self.bytes = payload[...]
    }

    public init(encoding: Encoding, bytes: ArraySlice<UInt8>) {
        self.encoding = encoding
        self.bytes = bytes
    }

    /// The stored form of a value: raw bytes and KvU64 get their special encodings at top level.
    public init(_ value: KvValue) {
        switch value {
        case .bytes(let b): self.init(encoding: .bytes, payload: b)
        case .u64(let u): self.init(u64: u)
        default: self.init(encoding: .structured, payload: value.structuredClone().binaryEncoded())
        }
    }

    /// The stored form of a queue message: the whole value is structured-cloned (a top-level
    /// KvU64 loses its type, as in Deno).
    public init(message value: KvValue) {
        if case .bytes(let b) = value { self.init(encoding: .structured, payload: KvValue.bytes(b).binaryEncoded()); return }
        self.init(encoding: .structured, payload: value.structuredClone().binaryEncoded())
    }

    public init(u64: KvU64) {
        var p = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { p[i] = UInt8(truncatingIfNeeded: u64.value >> UInt64(8 * i)) }
        self.init(encoding: .u64, payload: p)
    }

    /// The KvU64 value if this is a `u64`-encoded value.
    public var u64: KvU64? {
        guard encoding == .u64, bytes.count == 8 else { return nil }
        var v: UInt64 = 0
        for (i, b) in bytes.enumerated() { v |= UInt64(b) << UInt64(8 * i) }
        return KvU64(v)
    }

    /// Decodes to a `KvValue` tree.
    public func decode() throws(KvError) -> KvValue {
        switch encoding {
        case .bytes: return .bytes(payload)
        case .u64:
            guard let u = u64 else { throw KvError(.corrupt, "corrupt KvU64 value") }
            return .u64(u)
        case .structured: return try KvValue(binary: payload)
        case .json: return try KvValue(json: payload)
        }
    }

    /// Serialized form used by stores: encoding byte followed by the payload.
    public var serialized: [UInt8] { [encoding.rawValue] + bytes }

    /// Parses the `serialized` form.
    public init(serialized bytes: some Collection<UInt8>) throws(KvError) {
        guard let first = bytes.first, let enc = Encoding(rawValue: first) else {
            throw KvError(.corrupt, "unknown value encoding")
        }
        self.init(encoding: enc, payload: Array(bytes.dropFirst()))
    }
}
