/// A read result: Deno's `{key, value, versionstamp}`; `value` and `versionstamp` are nil for a
/// missing key.
public struct KvEntry: Sendable {
    private enum KeyStorage: Sendable {
        case decoded(KvKey)
        case encoded(ArraySlice<UInt8>)
    }

    private let keyStorage: KeyStorage
    /// The stored form of the value (nil if missing).
    package let stored: KvStoredValue?
    public let versionstamp: Versionstamp?

    package init(key: KvKey, stored: KvStoredValue?, versionstamp: Versionstamp?) {
        self.keyStorage = .decoded(key)
        self.stored = stored
        self.versionstamp = versionstamp
    }

    /// An entry whose key is decoded lazily from its encoding (list results).
    package init(encodedKey: ArraySlice<UInt8>, stored: KvStoredValue?, versionstamp: Versionstamp?) {
        self.keyStorage = .encoded(encodedKey)
        self.stored = stored
        self.versionstamp = versionstamp
    }

    /// The key (list results decode it on access).
    public var key: KvKey {
        switch keyStorage {
        case .decoded(let k): return k
        case .encoded(let b): return (try? KeyCodec.decode(b)) ?? []
        }
    }

    /// The key's encoding.
    public var encodedKey: [UInt8] {
        switch keyStorage {
        case .decoded(let k): return (try? KeyCodec.encode(k)) ?? []
        case .encoded(let b): return Array(b)
        }
    }

    /// The decoded value (nil if missing).
    public var value: KvValue? { stored.flatMap { try? $0.decode() } }

    /// Decodes the value into a Decodable type; nil if the key is missing.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws(KvError) -> T? {
        guard let stored else { return nil }
        return try stored.decode(as: type)
    }
}

/// An entry decoded into a Swift type.
public struct KvTypedEntry<Value: Sendable>: Sendable {
    public let key: KvKey
    public let value: Value
    public let versionstamp: Versionstamp
}
