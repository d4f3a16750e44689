import EdgeTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// System 003 against the real binary over real sockets: a 500 MiB upload generated on the fly with
/// the server's peak RSS measured, 413 before the body is read, chunked over the limit, a client that
/// leaves mid-upload, and concurrent large uploads.
@Suite(.serialized) struct PersephoneTests {
    static let boundary = "persephone-it-boundary"
    static let mib = 1 << 20

    /// A fresh KV and upload directory under one base (``removeTree(_:)`` it: uploads are large).
    static func dirs() -> (base: String, kv: String, uploads: String) {
        let base = "/tmp/edge-persephone-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        return (base, base + "/kv", base + "/uploads")
    }

    static func removeTree(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    static func head(_ port: Int, contentLength: Int?, extra: String = "") -> [UInt8] {
        var t = "POST /upload HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        t += "Content-Type: multipart/form-data; boundary=\(boundary)\r\n"
        if let contentLength { t += "Content-Length: \(contentLength)\r\n" } else { t += "Transfer-Encoding: chunked\r\n" }
        return Array((t + extra + "\r\n").utf8)
    }

    static let partHead = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.zip\"\r\nContent-Type: application/zip\r\n\r\n".utf8)
    static let partTail = Array("\r\n--\(boundary)--\r\n".utf8)

    /// Sends a multipart upload of a `size`-byte zip-looking file (local header magic, then a pattern)
    /// in 1 MiB writes, never holding more than that; returns the response.
    static func upload(_ port: Int, size: Int) throws -> RawHTTP.Response {
        let fd = try RawHTTP.connect(port: port, timeoutSeconds: 120)
        defer { close(fd) }
        try RawHTTP.send(fd, head(port, contentLength: partHead.count + size + partTail.count) + partHead)
        var block = [UInt8](repeating: 0x5A, count: mib)
        block[0] = 0x50; block[1] = 0x4B; block[2] = 3; block[3] = 4
        var sent = 0
        while sent < size {
            let n = min(mib, size - sent)
            try RawHTTP.send(fd, n == mib ? block : Array(block[0..<n]))
            if sent == 0 { block[0] = 0x5A; block[1] = 0x5A; block[2] = 0x5A; block[3] = 0x5A }
            sent += n
        }
        try RawHTTP.send(fd, partTail)
        return try RawHTTP.read(fd)
    }

    /// `VmHWM` (peak resident set) of `pid`, in KiB.
    static func peakRSSKiB(_ pid: pid_t) -> Int {
        let status = EdgeProcess.readFile("/proc/\(pid)/status")
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// The server's processes: the supervisor and its workers (children found by their `PPid`).
    static func serverProcesses(_ root: pid_t) -> [pid_t] {
        var out: [pid_t] = [root]
        for name in files("/proc") {
            guard let pid = Int32(name) else { continue }
            let status = EdgeProcess.readFile("/proc/\(pid)/status")
            if status.split(separator: "\n").contains(where: { $0.hasPrefix("PPid:") && $0.split(separator: "\t").last == "\(root)" }) {
                out.append(pid)
            }
        }
        return out
    }

    static func files(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    @Test func a500MiBUploadStreamsWithBoundedMemory() async throws {
        let d = Self.dirs()
        defer { Self.removeTree(d.base) }
        let edge = try EdgeProcess(environment: ["KV_PATH": d.kv, "UPLOAD_DIR": d.uploads])
        let port = edge.port
        // Warm up (first request, KV open), then take the idle peak.
        _ = try RawHTTP.request(port: port, "GET", "/prepare/status?runId=warm")
        let processes = Self.serverProcesses(edge.pid)
        let idle = processes.map { Self.peakRSSKiB($0) }
        let size = 500 * Self.mib
        let start = ContinuousClock.now
        let r = try await RawHTTP.onOwnThread { try Self.upload(port, size: size) }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #expect(r.status == 200, "\(r.text)")
        // The largest growth of any one process (the worker that took the upload).
        let growth = zip(processes, idle).map { Self.peakRSSKiB($0) - $1 }.max() ?? 0
        #expect(processes.count > 1 || getenv("EDGE_WORKERS") != nil, "workers found: \(processes)")
        print("persephone: 500 MiB upload in \(seconds) s (\(Double(size) / Double(Self.mib) / seconds) MiB/s), peak RSS growth \(growth) KiB over \(processes.count) processes")
        #expect(growth <= 32 * 1024, "peak RSS grew by \(growth) KiB")
        let id = try #require((try? JSONValue.parse(r.body))?["runId"]?.stringValue)
        #expect(Self.files(d.uploads) == ["\(id).zip"])
        var st = stat()
        #expect(stat(d.uploads + "/\(id).zip", &st) == 0 && Int(st.st_size) == size)
    }

    @Test func over500MiBIs413BeforeTheBodyIsRead() async throws {
        let d = Self.dirs()
        defer { Self.removeTree(d.base) }
        let edge = try EdgeProcess(environment: ["KV_PATH": d.kv, "UPLOAD_DIR": d.uploads])
        let port = edge.port
        let r = try await RawHTTP.onOwnThread { () throws -> RawHTTP.Response in
            let fd = try RawHTTP.connect(port: port)
            defer { close(fd) }
            // 501 MiB declared, nothing sent: the answer must come without waiting for the body.
            try RawHTTP.send(fd, Self.head(port, contentLength: 501 * Self.mib) + Self.partHead)
            return try RawHTTP.read(fd)
        }
        #expect(r.status == 413 && (try? JSONValue.parse(r.body))?["message"] != nil, "\(r.text)")
        #expect(Self.files(d.uploads).isEmpty)
    }

    @Test func chunkedOverTheLimitIs413() async throws {
        let d = Self.dirs()
        defer { Self.removeTree(d.base) }
        let edge = try EdgeProcess(environment: ["KV_PATH": d.kv, "UPLOAD_DIR": d.uploads, "MAX_UPLOAD_BYTES": "\(Self.mib)"])
        let port = edge.port
        let r = try await RawHTTP.onOwnThread { () throws -> RawHTTP.Response in
            let fd = try RawHTTP.connect(port: port)
            defer { close(fd) }
            func chunk(_ b: [UInt8]) -> [UInt8] { Array((String(b.count, radix: 16) + "\r\n").utf8) + b + [13, 10] }
            try RawHTTP.send(fd, Self.head(port, contentLength: nil) + chunk(Self.partHead))
            var block = [UInt8](repeating: 0x5A, count: 256 * 1024)
            block[0] = 0x50; block[1] = 0x4B; block[2] = 3; block[3] = 4
            for _ in 0..<8 { if (try? RawHTTP.send(fd, chunk(block))) == nil { break } }
            return try RawHTTP.read(fd)
        }
        #expect(r.status == 413, "\(r.text)")
        usleep(200_000)
        #expect(Self.files(d.uploads).isEmpty, "the partial file is removed")
    }

    @Test func aClientThatLeavesMidUploadLeavesNothing() async throws {
        let d = Self.dirs()
        defer { Self.removeTree(d.base) }
        let edge = try EdgeProcess(environment: ["KV_PATH": d.kv, "UPLOAD_DIR": d.uploads])
        let port = edge.port
        try await RawHTTP.onOwnThread {
            let fd = try RawHTTP.connect(port: port)
            try RawHTTP.send(fd, Self.head(port, contentLength: 64 * Self.mib) + Self.partHead)
            var block = [UInt8](repeating: 0x5A, count: Self.mib)
            block[0] = 0x50; block[1] = 0x4B; block[2] = 3; block[3] = 4
            for _ in 0..<8 { try RawHTTP.send(fd, block) }
            usleep(300_000)
            close(fd)
        }
        var left = Self.files(d.uploads)
        for _ in 0..<100 where !left.isEmpty {
            usleep(50_000)
            left = Self.files(d.uploads)
        }
        #expect(left.isEmpty, "no partial file: \(left)")
        // The server is fine and recorded no run: the next upload is the only one.
        let r = try await RawHTTP.onOwnThread { try Self.upload(port, size: 1000) }
        #expect(r.status == 200)
        #expect(Self.files(d.uploads).count == 1)
    }

    @Test func fourConcurrent100MiBUploads() async throws {
        let d = Self.dirs()
        defer { Self.removeTree(d.base) }
        let edge = try EdgeProcess(environment: ["KV_PATH": d.kv, "UPLOAD_DIR": d.uploads])
        let port = edge.port
        let statuses = try await withThrowingTaskGroup(of: Int.self) { g in
            for _ in 0..<4 { g.addTask { try await RawHTTP.onOwnThread { try Self.upload(port, size: 100 * Self.mib).status } } }
            var out: [Int] = []
            for try await s in g { out.append(s) }
            return out
        }
        #expect(statuses == [200, 200, 200, 200])
        #expect(Self.files(d.uploads).count == 4)
    }
}
