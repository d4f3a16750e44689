#if canImport(Glibc)
import Glibc
#endif

/// How a worker process ended, from its `waitpid` status.
public enum WorkerExit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus s: Int32) {
        self = (s & 0x7f) == 0 ? .exited((s >> 8) & 0xff) : .signaled(s & 0x7f)
    }

    /// A crash: killed by a signal other than the ones the supervisor sends to stop it.
    var isCrash: Bool {
        if case .signaled(let s) = self { return s != SIGTERM && s != SIGINT }
        return false
    }

    public var description: String {
        switch self {
        case .exited(let code): return "exit code \(code)"
        case .signaled(let s): return "signal \(Self.name(s))"
        }
    }

    static func name(_ s: Int32) -> String {
        switch s {
        case SIGILL: return "SIGILL (a Swift runtime trap)"
        case SIGTRAP: return "SIGTRAP (a Swift runtime trap)"
        case SIGSEGV: return "SIGSEGV"
        case SIGBUS: return "SIGBUS"
        case SIGABRT: return "SIGABRT"
        case SIGKILL: return "SIGKILL (killed, or out of memory)"
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        default: return "\(s)"
        }
    }
}
