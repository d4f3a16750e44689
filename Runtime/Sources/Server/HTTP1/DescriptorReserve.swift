#if canImport(Glibc)
import Glibc
#endif

/// File descriptors held open (on `/dev/null`) only so that others can have them when the process runs
/// out: the accept loop holds them while it accepts, so connections can never use the last ones, and lets
/// them go when `accept` fails with `EMFILE` or `ENFILE` (``SharedAcceptLoop``).
///
/// Owned by one thread (the accept loop's); not thread-safe.
struct DescriptorReserve {
    private let count: Int
    private var held: [Int32] = []

    init(count: Int) {
        self.count = count
        held.reserveCapacity(count)
    }

    /// Opens descriptors until `count` are held; true when they are. When the process is still short of
    /// descriptors (`EMFILE`, `ENFILE`), those just opened are closed again and the answer is false: a
    /// partial reserve would let connections take what the rest of the process needs. Any other failure
    /// (no `/dev/null`) means there is no reserve to keep: true, holding none.
    mutating func refill() -> Bool {
        while held.count < count {
            let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                release()
                return code != EMFILE && code != ENFILE
            }
            held.append(fd)
        }
        return true
    }

    /// Closes every held descriptor.
    mutating func release() {
        for fd in held { close(fd) }
        held.removeAll(keepingCapacity: true)
    }
}
