/// Comparisons that take the same time whatever the inputs share, for secrets (API keys, admin tokens).
public enum ConstantTime {
    /// True when `a == b`; the time depends only on the lengths.
    public static func equals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(truncatingIfNeeded: x.count ^ y.count)
        let n = Swift.max(x.count, y.count)
        for i in 0..<n {
            let p = i < x.count ? x[i] : 0
            let q = i < y.count ? y[i] : 0
            diff |= p ^ q
        }
        return diff == 0 && x.count == y.count
    }
}
