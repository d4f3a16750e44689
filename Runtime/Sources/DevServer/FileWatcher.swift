#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Watches the project with inotify: `Functions/` recursively (new folders get watches as they
/// appear), plus `vercel-like.json` and the `.env` files in the project root. Bursts are debounced
/// and reported as one ``ChangeSet``.
final class FileWatcher: Sendable {
    let root: String
    let quiet: Duration
    let maxDelay: Duration
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)
    private let finished = Mailbox<Bool>()
    /// watch descriptor -> directory relative to the root ("" for the root itself).
    private let directories = Mutex<[Int32: String]>([:])

    static let functionsFolder = "Functions"
    static let configFile = "vercel-like.json"

    struct WatchError: Error, CustomStringConvertible { let description: String }

    init(root: String, quiet: Duration = .milliseconds(150), maxDelay: Duration = .seconds(1)) throws {
        self.root = root
        self.quiet = quiet
        self.maxDelay = maxDelay
        fd = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard fd >= 0 else { throw WatchError(description: "inotify_init1 failed: \(String(cString: strerror(errno)))") }
        try addWatch(relative: "")
        if FileSystem.isDirectory(root + "/" + Self.functionsFolder) {
            addTree(relative: Self.functionsFolder)
        }
    }

    private static let directoryMask: UInt32 = UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_CLOSE_WRITE)
        | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO) | UInt32(IN_MODIFY) | UInt32(IN_ATTRIB)
        | UInt32(IN_DELETE_SELF) | UInt32(IN_ONLYDIR)

    private func addWatch(relative: String) throws {
        let path = relative.isEmpty ? root : root + "/" + relative
        let wd = inotify_add_watch(fd, path, Self.directoryMask)
        guard wd >= 0 else {
            throw WatchError(description: "cannot watch \(path): \(String(cString: strerror(errno)))"
                + (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""))
        }
        directories.withLock { $0[wd] = relative }
    }

    /// Watches `relative` and every folder below it (those created before the watch was in place too).
    private func addTree(relative: String) {
        guard (try? addWatch(relative: relative)) != nil else { return }
        for name in FileSystem.list(root + "/" + relative) where !name.hasPrefix(".") {
            let child = relative + "/" + name
            if FileSystem.isDirectory(root + "/" + child) { addTree(relative: child) }
        }
    }

    /// Number of folders watched (for the start-up line and the tests).
    var watchedFolders: Int { directories.withLock { $0.count } }

    /// Starts the watching thread; `onChange` runs on it, once per debounced burst.
    func start(onChange: @escaping @Sendable (ChangeSet) -> Void) {
        OSThread.start { [self] in
            loop(onChange: onChange)
            finished.post(true)
        }
    }

    func stop() {
        if stopped.exchange(true, ordering: .acquiringAndReleasing) { return }
        _ = finished.take(timeout: 2)
        close(fd)
    }

    private func loop(onChange: @Sendable (ChangeSet) -> Void) {
        let clock = ContinuousClock()
        var debouncer = Debouncer<ContinuousClock.Instant>(quiet: quiet, maxDelay: maxDelay)
        var pending = ChangeSet()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopped.load(ordering: .acquiring) {
            var timeoutMs: Int32 = 250
            if let d = debouncer.deadline {
                let left = clock.now.duration(to: d)
                let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
                timeoutMs = Int32(max(0, min(250, ms + 1)))
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, timeoutMs)
            if r > 0 {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    let change = handle(Array(buffer[0..<n]))
                    if !change.isEmpty {
                        pending.formUnion(change)
                        debouncer.record(at: clock.now)
                    }
                }
            }
            if debouncer.fire(at: clock.now), !pending.isEmpty {
                let c = pending
                pending = ChangeSet()
                onChange(c)
            }
        }
    }

    /// Decodes a buffer of `inotify_event`s into the changes that matter.
    private func handle(_ bytes: [UInt8]) -> ChangeSet {
        var change = ChangeSet()
        var offset = 0
        let header = 16  // wd, mask, cookie, len
        while offset + header <= bytes.count {
            func u32(_ at: Int) -> UInt32 {
                UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            }
            let wd = Int32(bitPattern: u32(offset))
            let mask = u32(offset + 4)
            let len = Int(u32(offset + 12))
            var name = ""
            if len > 0, offset + header + len <= bytes.count {
                let raw = bytes[(offset + header)..<(offset + header + len)]
                name = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            offset += header + len

            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                change.sources.insert(Self.functionsFolder)
                continue
            }
            if mask & UInt32(IN_IGNORED) != 0 {
                directories.withLock { _ = $0.removeValue(forKey: wd) }
                continue
            }
            guard let dir = directories.withLock({ $0[wd] }), !name.isEmpty else { continue }
            let isDir = mask & UInt32(IN_ISDIR) != 0
            if dir.isEmpty {
                // The project root: only the config, the env files, and Functions/ itself.
                if name == Self.configFile {
                    change.sources.insert(name)
                } else if DotEnv.developmentFiles.contains(name) {
                    change.environmentFiles.insert(name)
                } else if name == Self.functionsFolder, isDir {
                    if mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 { addTree(relative: name) }
                    change.sources.insert(name)
                }
                continue
            }
            // Under Functions/.
            if Self.isScratchFile(name) { continue }
            let path = dir + "/" + name
            if isDir, mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 {
                addTree(relative: path)
            }
            if isDir, mask & (UInt32(IN_MODIFY) | UInt32(IN_ATTRIB) | UInt32(IN_CLOSE_WRITE)) != 0 { continue }
            change.sources.insert(path)
        }
        return change
    }

    /// Editors' swap, backup and lock files, which never affect the build.
    static func isScratchFile(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx")
            || name.hasSuffix(".tmp") || name == "4913" || name.hasPrefix("#")
    }
}
