import EdgeTesting
import Foundation
@testable import Functions

/// System 003 through the router: this deployment's routes and limits, an in-memory KV on a manual
/// clock, and a fresh upload directory.
struct PersephoneHarness {
    let client: TestClient
    let clock: ManualKvClock
    let dir: TemporaryDirectory

    init(_ env: [String: String] = [:]) throws {
        let clock = ManualKvClock()
        let dir = try TemporaryDirectory(prefix: "persephone-test")
        var e = ["UPLOAD_DIR": dir.path + "/uploads", "PERSEPHONE_NVIDIA_SMI": "off"]
        e.merge(env) { $1 }
        self.clock = clock
        self.dir = dir
        self.client = try Deployment.client(e, clock: clock)
    }

    static let boundary = "----persephoneTestBoundary7MA4YWxk"

    /// A multipart body with one `file` part (or the given parts).
    static func multipart(_ parts: [(name: String, filename: String?, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for p in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(p.name)\""
            if let f = p.filename { head += "; filename=\"\(f)\"\r\nContent-Type: application/octet-stream" }
            head += "\r\n\r\n"
            out += Array(head.utf8) + p.bytes + Array("\r\n".utf8)
        }
        return out + Array("--\(boundary)--\r\n".utf8)
    }

    func upload(_ filename: String, _ bytes: [UInt8], headers: [String: String] = [:]) async -> TestResponse {
        await uploadBody(Self.multipart([("file", filename, bytes)]), headers: headers)
    }

    func uploadBody(_ body: [UInt8], headers: [String: String] = [:]) async -> TestResponse {
        var h = ["content-type": "multipart/form-data; boundary=\(Self.boundary)"]
        h.merge(headers) { $1 }
        return await client.send(.post, "/upload", headers: h, body: body)
    }

    func runId(_ filename: String = "model.zip", _ bytes: [UInt8] = TestArchives.zip()) async throws -> String {
        let r = await upload(filename, bytes)
        guard r.status == 200, let id = r.json?["runId"]?.stringValue else { throw HarnessError(message: "upload failed: \(r.status) \(r.text)") }
        return id
    }

    /// Files in the upload directory (temporary ones included).
    func storedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/uploads")) ?? []).sorted()
    }

    func runCount() throws -> Int { try client.kv.count(.prefix(["persephone", "run"])) }

    func record(_ id: String) async throws -> RunRecord? {
        try await client.kv.get(PersephoneKeys.run(id), as: RunRecord.self)?.value
    }
}

struct HarnessError: Error { let message: String }

/// Small valid and corrupt archives built in memory.
enum TestArchives {
    /// A stored (uncompressed) one-member zip: local header, data, central directory, end record.
    static func zip(name: String = "weights.bin", content: [UInt8] = Array("tensor-bytes".utf8)) -> [UInt8] {
        let n = Array(name.utf8)
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16((v >> 16) & 0xFFFF) }
        func join(_ parts: [[UInt8]]) -> [UInt8] { parts.flatMap { $0 } }
        let size = le32(content.count), nameLen = le16(n.count)
        let local = join([[0x50, 0x4B, 0x03, 0x04], le16(20), le16(0), le16(0), le16(0), le16(0), le32(0), size, size, nameLen, le16(0), n, content])
        let central = join([[0x50, 0x4B, 0x01, 0x02], le16(20), le16(20), le16(0), le16(0), le16(0), le16(0), le32(0), size, size, nameLen,
                            le16(0), le16(0), le16(0), le16(0), le32(0), le32(0), n])
        let end = join([[0x50, 0x4B, 0x05, 0x06], le16(0), le16(0), le16(1), le16(1), le32(central.count), le32(local.count), le16(0)])
        return join([local, central, end])
    }

    /// A zip that starts right but whose central directory is garbage.
    static func corruptZip() -> [UInt8] {
        var z = zip()
        let cd = z.count - 22 - 46 - "weights.bin".utf8.count
        for i in cd..<(cd + 4) { z[i] = 0xEE }
        return z
    }

    /// A one-member POSIX tar with its end blocks.
    static func tar(name: String = "model/config.json", content: [UInt8] = Array("{}".utf8)) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func octal(_ v: Int, _ width: Int) -> String {
            let s = String(v, radix: 8)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        func put(_ s: String, _ at: Int) { for (i, b) in s.utf8.enumerated() { h[at + i] = b } }
        put(name, 0); put("0000644", 100); put("0000000", 108); put("0000000", 116)
        put(octal(content.count, 11), 124)
        put("00000000000", 136); h[156] = UInt8(ascii: "0"); put("ustar", 257); put("00", 263)
        for i in 148..<156 { h[i] = 32 }
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, 6), 148)
        h[154] = 0; h[155] = 32
        let padded = content + [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
        return h + padded + [UInt8](repeating: 0, count: 1024)
    }
}

extension JSONValue {
    /// An array element (nil out of range or for a value that is not an array).
    subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }
}
