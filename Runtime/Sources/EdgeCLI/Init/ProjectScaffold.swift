#if canImport(Glibc)
import Glibc
#endif

/// Writes a new project: every file of ``ProjectTemplate`` (and the chosen examples) under one folder.
///
/// All-or-nothing toward existing work: a folder that exists and is not empty is refused before anything
/// is written, and no file is ever overwritten (each is created with `O_EXCL`).
struct ProjectScaffold {
    let directory: String
    let files: [(path: String, text: String)]

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates the folders and files; the paths written, relative to ``directory``.
    func write() throws(Failure) -> [String] {
        if let entries = Self.entries(directory), !entries.isEmpty {
            throw Failure(description: "\(directory) already exists and is not empty; pick a new folder (edge init never overwrites files)")
        }
        try Self.makeDirectories(directory)
        var written: [String] = []
        for file in files {
            let full = directory + "/" + file.path
            if let slash = full.lastIndex(of: "/") { try Self.makeDirectories(String(full[..<slash])) }
            let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw Failure(description: "cannot create \(full): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let bytes = Array(file.text.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "cannot write \(full): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
            written.append(file.path)
        }
        return written
    }

    /// The names in `path` (without `.` and `..`); nil when it does not exist or is not a folder.
    static func entries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws(Failure) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw Failure(description: "cannot create folder \(current): \(String(cString: strerror(errno)))")
            }
        }
    }
}
