/// A read result: Deno's `{key, value, versionstamp}`; `value` and `versionstamp` are nil for a
/// missing key.
public struct KvEntry: Sendable {
    private enum Storage: Sendable {
        /// A point read: the key as given, the stored value (nil if missing).
        case decoded(KvKey, KvStoredValue?)
        /// A list result: entry `index` of a packed read batch (the key is decoded on access;
        /// `keysOnly` entries carry no value).
        case batch(KvReadBatch, index: Int, keysOnly: Bool)
    }

    private let storage: Storage
    public let versionstamp: Versionstamp?

    package init(key: KvKey, stored: KvStoredValue?, versionstamp: Versionstamp?) {
        self.storage = .decoded(key, stored)
        self.versionstamp = versionstamp
    }

    /// Entry `index` of a list batch (`0 <= index < batch.count`).
    package init(batch: KvReadBatch, index: Int, keysOnly: Bool) {
        self.storage = .batch(batch, index: index, keysOnly: keysOnly)
        self.versionstamp = batch.versionstamp(at: index)
    }

    /// The stored form of the value (nil if missing, and for a keys-only list).
    package var stored: KvStoredValue? {
        switch storage {
        case .decoded(_, let s): return s
        case .batch(let b, let i, let keysOnly): return keysOnly ? nil : b.value(at: i)
        }
    }

    /// The key (list results decode it on access).
    public var key: KvKey {
        switch storage {
        case .decoded(let k, _): return k
        case .batch(let b, let i, _): return (try? KeyCodec.decode(b.key(at: i))) ?? []
        }
    }

    /// The key's encoding.
    public var encodedKey: [UInt8] {
        switch storage {
        case .decoded(let k, _): return (try? KeyCodec.encode(k)) ?? []
        case .batch(let b, let i, _): return Array(b.key(at: i))
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
