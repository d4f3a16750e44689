import KV

/// Packs the entries of one cursor pass into a `KvReadBatch`: keys and values copied out of
/// LMDB's memory (valid only until the read transaction ends) into one buffer.
///
/// Lives here rather than in KV so the scan loop compiles it in place (calls across the module
/// boundary were not inlined and cost more than the copies). `bytes` is kept zero-filled beyond
/// `used` and written with `copyMemory`: for entries of a few dozen bytes
/// `Array.append(contentsOf:)` cost more than the copy itself. A local value with mutating
/// methods, so no closure captures it (no dynamic exclusivity checks).
struct LMDBBatchPacker {
    private var bytes: [UInt8]
    private var used = 0
    private var marks: [KvReadBatch.Mark] = []

    /// Room for `entries` entries of about 32 bytes (grows as needed).
    init(entries: Int) {
        let n = Swift.min(Swift.max(entries, 0), KvLimits.maxReadEntries)
        bytes = [UInt8](repeating: 0, count: Swift.max(n * 32, 256))
        marks.reserveCapacity(n)
    }

    var count: Int { marks.count }

    private mutating func copy(_ source: UnsafeRawBufferPointer) {
        let n = source.count
        guard n > 0, let from = source.baseAddress else { return }
        if bytes.count - used < n { bytes.append(contentsOf: repeatElement(0, count: Swift.max(n, bytes.count))) }
        let at = used
        bytes.withUnsafeMutableBytes { to in to.baseAddress?.advanced(by: at).copyMemory(from: from, byteCount: n) }
        used += n
    }

    /// Appends one entry (`key` and `payload` are copied).
    mutating func append(key: LMDBBytes, encoding: KvStoredValue.Encoding, payload: LMDBBytes, versionstamp: Versionstamp) {
        let k0 = used
        copy(key)
        let v0 = used
        copy(payload)
        marks.append((keyStart: k0, valueStart: v0, valueEnd: used, encoding: encoding, versionstamp: versionstamp))
    }

    /// The finished batch.
    consuming func build() -> KvReadBatch {
        bytes.removeLast(bytes.count - used)
        return KvReadBatch(bytes: bytes, marks: marks)
    }
}
