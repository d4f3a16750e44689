#if canImport(Glibc)
import Glibc
#endif

/// The process's open-file limit. A server holds one descriptor per connection, and Debian's default
/// soft limit (1024) is far below the hard one, so serving starts by raising the soft limit to the hard
/// one (as Go's runtime and nginx's `worker_rlimit_nofile` do); worker processes inherit it. Past the
/// limit, accepting backs off and the connection cap answers 503.
public enum OpenFileLimit {
    /// Raises the soft limit to the hard limit, capped at ``ceiling``; returns the soft limit in effect.
    @discardableResult
    public static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        let wanted = min(limit.rlim_max, rlim_t(ceiling))
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The most descriptors asked for: enough for the connection cap of every worker, not so many that a
    /// runaway leak goes unnoticed.
    public static let ceiling = 65_536
}
