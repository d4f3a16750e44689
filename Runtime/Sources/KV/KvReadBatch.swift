/// The entries of one range read, packed: every key and value of the batch in one byte buffer,
/// and one fixed-size mark per entry. A list result holds the batch and an index, so an entry
/// costs one reference (one retain) instead of an allocation or a reference per key and value.
///
/// Entries are in the order the store returned them (key order, or reverse key order for a
/// reverse read). The buffer is immutable once built; a batch is safe to share between tasks.
package final class KvReadBatch: Sendable {
    /// Where one entry's bytes are in `bytes`: key in `keyStart..<valueStart`, payload in
    /// `valueStart..<valueEnd`.
    package struct Mark: Sendable {
        let keyStart: Int
        let valueStart: Int
        let valueEnd: Int
        let encoding: KvStoredValue.Encoding
        let versionstamp: Versionstamp
    }

    let bytes: [UInt8]
    let marks: [Mark]

    /// An empty batch.
    package static let empty = KvReadBatch(bytes: [], marks: [])

    init(bytes: [UInt8], marks: [Mark]) {
        self.bytes = bytes
        self.marks = marks
    }

    /// Packs entries a store returned as separate values (the default for stores without a packed read).
    package convenience init(_ entries: [KvRawEntry]) {
        var b = Builder(capacity: entries.count)
        for e in entries { b.append(key: e.key, value: e.value, versionstamp: e.versionstamp) }
        self.init(bytes: b.bytes, marks: b.marks)
    }

    /// Number of entries.
    package var count: Int { marks.count }

    /// The encoded key of entry `i` (`0 <= i < count`).
    package func key(at i: Int) -> ArraySlice<UInt8> {
        let m = marks[i]
        return bytes[m.keyStart..<m.valueStart]
    }

    /// The stored value of entry `i`.
    package func value(at i: Int) -> KvStoredValue {
        let m = marks[i]
        return KvStoredValue(encoding: m.encoding, bytes: bytes[m.valueStart..<m.valueEnd])
    }

    /// The versionstamp of entry `i`.
    package func versionstamp(at i: Int) -> Versionstamp { marks[i].versionstamp }

    /// The entries as separate values (slices of this batch's buffer).
    package var rawEntries: [KvRawEntry] {
        (0..<marks.count).map { KvRawEntry(key: key(at: $0), value: value(at: $0), versionstamp: marks[$0].versionstamp) }
    }

    /// Builds a batch entry by entry (a store's scan appends from its cursor, without a closure:
    /// a mutating method on a local value needs no dynamic exclusivity check).
    package struct Builder {
        var bytes: [UInt8] = []
        var marks: [Mark] = []

        /// Reserves room for `capacity` entries of about 64 bytes.
        package init(capacity: Int) {
            let n = Swift.min(Swift.max(capacity, 0), KvLimits.maxReadEntries)
            bytes.reserveCapacity(n * 64)
            marks.reserveCapacity(n)
        }

        /// Number of entries appended so far.
        package var count: Int { marks.count }

        /// Appends an entry from raw bytes (e.g. memory a store lends until its transaction ends).
        package mutating func append(key: UnsafeRawBufferPointer, encoding: KvStoredValue.Encoding,
                                     payload: UnsafeRawBufferPointer, versionstamp: Versionstamp) {
            let k0 = bytes.count
            bytes.append(contentsOf: key.assumingMemoryBound(to: UInt8.self))
            let v0 = bytes.count
            bytes.append(contentsOf: payload.assumingMemoryBound(to: UInt8.self))
            marks.append(Mark(keyStart: k0, valueStart: v0, valueEnd: bytes.count, encoding: encoding, versionstamp: versionstamp))
        }

        /// Appends an entry from Swift values.
        package mutating func append(key: some Collection<UInt8>, value: KvStoredValue, versionstamp: Versionstamp) {
            let k0 = bytes.count
            bytes.append(contentsOf: key)
            let v0 = bytes.count
            bytes.append(contentsOf: value.bytes)
            marks.append(Mark(keyStart: k0, valueStart: v0, valueEnd: bytes.count, encoding: value.encoding, versionstamp: versionstamp))
        }

        /// The finished batch.
        package func build() -> KvReadBatch { KvReadBatch(bytes: bytes, marks: marks) }
    }
}
