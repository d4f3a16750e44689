import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// A new, empty folder under `/tmp` (made with `mkdtemp`), removed with everything in it when the value
/// goes away: a KV data directory for a spawned `edge`, a project tree for `edge dev`, a log file.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "edge-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw RawHTTP.Failure(description: "mkdtemp failed: errno \(errno)") }
        path = String(cString: p)
    }

    /// `path/relative`.
    public func file(_ relative: String) -> String { path + "/" + relative }

    /// Writes `text` to `path/relative`, creating the folders on the way.
    public func write(_ relative: String, _ text: String) throws {
        let url = URL(filePath: file(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
