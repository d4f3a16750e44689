#if canImport(Glibc)
import Glibc
#endif

/// Bytewise three-way comparison of raw memory with an array (shorter prefix first), like LMDB's
/// default key comparator.
@inline(__always)
func compareBytes(_ p: UnsafeRawPointer?, _ n: Int, _ b: [UInt8]) -> Int {
    b.withUnsafeBytes { bp -> Int in
        let m = min(n, bp.count)
        if m > 0, let p {
            let c = memcmp(p, bp.baseAddress!, m)
            if c != 0 { return Int(c) }
        }
        return n < bp.count ? -1 : (n > bp.count ? 1 : 0)
    }
}

@inline(__always)
func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBytes { compareBytes($0.baseAddress, $0.count, b) }
}

@inline(__always)
func compareBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
    a.withUnsafeBytes { ap in b.withUnsafeBytes { bp -> Int in
        let m = min(ap.count, bp.count)
        if m > 0 {
            let c = memcmp(ap.baseAddress!, bp.baseAddress!, m)
            if c != 0 { return Int(c) }
        }
        return ap.count < bp.count ? -1 : (ap.count > bp.count ? 1 : 0)
    } }
}
