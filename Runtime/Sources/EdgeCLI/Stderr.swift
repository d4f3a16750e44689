#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard error (unbuffered).
func printError(_ s: String) {
    let b = Array(s.utf8)
    _ = b.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
