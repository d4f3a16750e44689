import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where log lines go: standard output, buffered and flushed at least every 50 ms (and whenever 32 KiB
/// are pending), so a busy server writes a few large blocks instead of one syscall per request.
public final class LogSink: Sendable {
    public static let standardOutput = LogSink(fd: 1)

    private let fd: Int32
    private let buffer = Mutex<[UInt8]>([])
    private static let flushThreshold = 32 * 1024
    /// Room reserved for one line (an access-log line is about 250 bytes).
    private static let lineCapacity = 320

    init(fd: Int32) {
        self.fd = fd
        Task.detached { [weak self] in
            while let self {
                try? await Task.sleep(for: .milliseconds(50))
                self.flush()
            }
        }
    }

    /// Appends one line (a newline is added).
    public func write(_ line: [UInt8]) {
        writeLine { $0.append(contentsOf: line) }
    }

    /// Appends one line built by `build` (a newline is added). The line is built before the lock is
    /// taken, which then covers a copy only: every event loop logs every request here, and a loop
    /// preempted while formatting under the lock stalls the others.
    func writeLine(_ build: (inout [UInt8]) -> Void) {
        var line: [UInt8] = []
        line.reserveCapacity(LogSink.lineCapacity)
        build(&line)
        line.append(0x0A)
        let full: [UInt8]? = buffer.withLock { b in
            b.append(contentsOf: line)
            if b.count >= LogSink.flushThreshold {
                let out = b
                b.removeAll(keepingCapacity: true)
                return out
            }
            return nil
        }
        if let full { writeAll(full) }
    }

    public func flush() {
        let out: [UInt8] = buffer.withLock { b in
            let o = b
            b.removeAll(keepingCapacity: true)
            return o
        }
        if !out.isEmpty { writeAll(out) }
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}
