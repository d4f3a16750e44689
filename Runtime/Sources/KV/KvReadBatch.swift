/// The entries of one range read, packed: every key and value of the batch in one byte buffer,
/// and one fixed-size mark per entry. A list result holds the batch and an index, so an entry
/// costs one reference (one retain) instead of an allocation or a reference per key and value.
///
/// Entries are in the order the store returned them (key order, or reverse key order for a
/// reverse read). The buffer is immutable once built; a batch is safe to share between tasks.
///
/// Hazard: an entry keeps its whole batch alive (up to `KvLimits.maxReadEntries` keys and values).
/// Code that keeps a few entries of a large list for long should copy what it needs
/// (`encodedKey`, `value`), as it had to when entries were slices of one buffer.
package final class KvReadBatch: Sendable {
    /// Where one entry's bytes are in `bytes`: key in `keyStart..<valueStart`, payload in
    /// `valueStart..<valueEnd`. A tuple, not a struct: a store in another module builds one per
    /// entry, and a struct's initializer across the module boundary was a call whose piecewise
    /// stores stalled the copy into the array.
    package typealias Mark = (keyStart: Int, valueStart: Int, valueEnd: Int, encoding: KvStoredValue.Encoding,
                              versionstamp: Versionstamp)

    let bytes: [UInt8]
    let marks: [Mark]

    /// An empty batch.
    package static let empty = KvReadBatch(bytes: [], marks: [])

    /// A batch from its parts: `bytes` may be longer than the marks use. Every mark must lie
    /// within `bytes` (`keyStart <= valueStart <= valueEnd <= bytes.count`).
    package init(bytes: [UInt8], marks: [Mark]) {
        self.bytes = bytes
        self.marks = marks
    }

    /// Packs entries a store returned as separate values (the default for stores without a packed read).
    package convenience init(_ entries: [KvRawEntry]) {
        var bytes: [UInt8] = []
        var marks: [Mark] = []
        marks.reserveCapacity(entries.count)
        for e in entries {
            let k0 = bytes.count
            bytes.append(contentsOf: e.key)
            let v0 = bytes.count
            bytes.append(contentsOf: e.value.bytes)
            marks.append((keyStart: k0, valueStart: v0, valueEnd: bytes.count, encoding: e.value.encoding, versionstamp: e.versionstamp))
        }
        self.init(bytes: bytes, marks: marks)
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
}
