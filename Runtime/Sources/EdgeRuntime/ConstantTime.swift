import Crypto

/// Comparisons whose time does not depend on the secret, for secrets (API keys, admin tokens).
public enum ConstantTime {
    /// True when `a == b` (as UTF-8 bytes).
    ///
    /// Both sides are hashed with SHA-256 and the two 32-byte digests are compared with every byte
    /// visited, so the comparison takes the same time whatever the inputs share, and neither the
    /// secret's length nor a common prefix shows in it: the only length-dependent step is hashing,
    /// which each side does for its own bytes. Equal digests mean equal inputs (SHA-256 collisions are
    /// not findable). A secret checked many times is better kept as a ``Secret``.
    public static func equals(_ a: String, _ b: String) -> Bool {
        digestsEqual(digest(a), digest(b))
    }

    /// A configured secret kept as its SHA-256 digest, hashed once, so a request pays only for hashing
    /// its own candidate and the secret's length shows nowhere in the time of a check.
    public struct Secret: Sendable {
        let digest: [UInt8]

        public init(_ value: String) { digest = ConstantTime.digest(value) }

        /// True when `candidate == value`, compared as in ``ConstantTime/equals(_:_:)``.
        public func matches(_ candidate: String) -> Bool {
            ConstantTime.digestsEqual(ConstantTime.digest(candidate), digest)
        }
    }

    /// The 32 bytes of SHA-256 over the UTF-8 of `s`.
    static func digest(_ s: String) -> [UInt8] { Array(SHA256.hash(data: Array(s.utf8))) }

    /// Compares two 32-byte digests over all of their bytes, without an early exit.
    static func digestsEqual(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        guard x.count == SHA256.byteCount, y.count == SHA256.byteCount else { return false }
        var diff: UInt8 = 0
        for i in 0..<SHA256.byteCount { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
