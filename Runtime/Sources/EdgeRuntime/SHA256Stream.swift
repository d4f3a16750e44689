import Crypto

/// SHA-256 of a byte stream fed piece by piece (swift-crypto), for checksums of bodies too large to
/// hold: ``update(_:)`` each piece as it arrives, then ``hexDigest()`` once.
public struct SHA256Stream {
    private var hasher = SHA256()

    public init() {}

    /// Adds `bytes` to the digest.
    public mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }

    /// The digest of everything added so far, as 64 lower-case hex digits (the stream stays usable).
    public func hexDigest() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in hasher.finalize() {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
