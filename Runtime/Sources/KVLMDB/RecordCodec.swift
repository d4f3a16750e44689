import KV

/// Layout of a stored record (the LMDB value in `data`, and after the full key in `long`):
///
///     versionstamp (10 bytes) | expireAt (8 bytes BE, ms since epoch, 0 = none) | encoding (1) | payload
enum RecordCodec {
    static let headerSize = 19

    static func encode(_ r: KvStoredRecord) -> [UInt8] {
        var out = r.versionstamp.bytes
        out.reserveCapacity(headerSize + r.value.bytes.count)
        let e = UInt64(bitPattern: r.expireAt ?? 0)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: e >> UInt64(56 - 8 * i))) }
        out.append(r.value.encoding.rawValue)
        out.append(contentsOf: r.value.bytes)
        return out
    }

    /// Expiry of a raw record without decoding the rest (nil: none).
    @inline(__always)
    static func expireAt(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard b.count >= headerSize else { return nil }
        let e = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: 10, as: UInt64.self))
        return e == 0 ? nil : Int64(bitPattern: e)
    }

    @inline(__always)
    static func isLive(_ b: UnsafeRawBufferPointer, nowMs: Int64) -> Bool {
        guard let e = expireAt(b) else { return true }
        return e > nowMs
    }

    static func versionstamp(_ b: UnsafeRawBufferPointer) -> Versionstamp {
        let c = UInt64(bigEndian: b.loadUnaligned(as: UInt64.self))
        return Versionstamp(counter: c, suffix: UInt16(b[8]) << 8 | UInt16(b[9]))
    }

    static func decode(_ b: UnsafeRawBufferPointer) throws(KvError) -> KvStoredRecord {
        guard b.count >= headerSize, let enc = KvStoredValue.Encoding(rawValue: b[18]) else {
            throw KvError(.corrupt, "corrupt KV record")
        }
        let payload = [UInt8](UnsafeRawBufferPointer(rebasing: b[headerSize...]))
        return KvStoredRecord(value: KvStoredValue(encoding: enc, payload: payload),
                              versionstamp: versionstamp(b), expireAt: expireAt(b))
    }

    static func beUInt64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(56 - 8 * $0)) } }

    static func readBEUInt64(_ b: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt64 {
        var v: UInt64 = 0
        for i in offset..<(offset + 8) { v = v << 8 | UInt64(b[i]) }
        return v
    }
}
