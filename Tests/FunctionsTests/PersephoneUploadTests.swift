import EdgeTesting
import Foundation
import Testing
@testable import Functions

/// `POST /upload` through the router (CONTRACTS §4.3): stored, hashed and recorded; every bad input a
/// clear 4xx in the `{message}` shape that stores nothing.
@Suite struct PersephoneUploadTests {
    @Test func anUploadIsStoredHashedAndRecorded() async throws {
        let h = try PersephoneHarness()
        let zip = TestArchives.zip()
        let r = await h.upload("Model.ZIP", zip)
        #expect(r.status == 200)
        #expect(r.header("content-type")?.hasPrefix("application/json") == true)
        let id = try #require(r.json?["runId"]?.stringValue)
        #expect(r.json == ["runId": .string(id)])
        let rec = try #require(try await h.record(id))
        #expect(rec.fileName == "Model.ZIP" && rec.sizeBytes == zip.count && rec.artifactType == .zip)
        var hash = SHA256Stream()
        hash.update(zip[...])
        #expect(rec.sha256 == hash.hexDigest())
        #expect(h.storedFiles() == ["\(id).zip"], "the artifact only, no temporary file")
        #expect(FileManager.default.contents(atPath: rec.path).map { Array($0) } == zip)
        let status = await h.client.send(.get, "/prepare/status?runId=\(id)")
        #expect(status.status == 200 && status.json?["phase"] == "Pending")
    }

    @Test func everyAcceptedKindIsCheckedByContent() async throws {
        let h = try PersephoneHarness()
        let onnx: [UInt8] = [0x08, 0x07, 0x12, 0x04] + Array("onnx".utf8)
        let pickle: [UInt8] = [0x80, 0x04, 0x95, 0x01, 0x2E]
        let gz: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 3]
        for (name, bytes) in [("a.tar", TestArchives.tar()), ("a.onnx", onnx), ("a.pkl", pickle), ("a.pt", TestArchives.zip()),
                              ("a.pth", pickle), ("a.tar.gz", gz), ("a.tgz", gz), ("C:\\models\\b.zip", TestArchives.zip())] {
            let r = await h.upload(name, bytes)
            #expect(r.status == 200, "\(name): \(r.text)")
        }
        #expect(try h.runCount() == 8)
    }

    /// Asserts a 4xx in the 003 shape and that nothing was stored.
    func rejected(_ h: PersephoneHarness, _ r: TestResponse, _ status: Int, _ fragment: String) throws {
        #expect(r.status == status, "\(r.text)")
        let message = r.json?["message"]?.stringValue ?? ""
        #expect(message.contains(fragment), "\(message)")
        #expect(r.error == message && r.json?["requestId"] != nil, "envelope keys beside message")
        #expect(h.storedFiles().isEmpty, "no file left behind")
        #expect(try h.runCount() == 0, "no run")
    }

    @Test func badUploadsAre4xxAndStoreNothing() async throws {
        let h = try PersephoneHarness()
        try rejected(h, await h.upload("model.exe", TestArchives.zip()), 400, ".zip, .tar")
        try rejected(h, await h.upload("model.zip", Array("just some text, not a zip archive".utf8)), 400, "expected: zip archive")
        try rejected(h, await h.upload("model.onnx", TestArchives.zip()), 400, "expected: ONNX model")
        try rejected(h, await h.upload("model.zip", []), 400, "empty")
        try rejected(h, await h.upload(".zip", TestArchives.zip()), 400, "unsupported file type")
        try rejected(h, await h.uploadBody(PersephoneHarness.multipart([("other", nil, Array("x".utf8))])), 400, "'file' is required")
        try rejected(h, await h.client.send(.post, "/upload", headers: ["content-type": "application/json"], json: "{}"), 400, "multipart/form-data")
        try rejected(h, await h.uploadBody(Array("--nope\r\n".utf8)), 400, "boundary")
        let big = [UInt8](repeating: 1, count: 600) + [0x50, 0x4B]
        try rejected(h, await h.upload("model.zip", big), 400, "expected: zip archive")  // judged on the first 512 bytes
    }

    @Test func overTheLimitIs413FromTheDeclaredLengthOrTheCount() async throws {
        let h = try PersephoneHarness(["MAX_UPLOAD_BYTES": "1000"])
        // Declared length past limit + framing allowance: refused before reading.
        try rejected(h, await h.upload("a.zip", TestArchives.zip(content: [UInt8](repeating: 0, count: 70_000))), 413, "1000 bytes")
        // Within the allowance but the file itself is over: refused by the running count.
        try rejected(h, await h.upload("a.zip", TestArchives.zip(content: [UInt8](repeating: 0, count: 2_000))), 413, "1000 bytes")
        #expect(await h.upload("a.zip", TestArchives.zip(content: [UInt8](repeating: 0, count: 100))).status == 200)
    }

    @Test func theRouteLimitFromVercelLikeJSONIs500MiBPlusFraming() async throws {
        let h = try PersephoneHarness()
        var fields = HTTPFields()
        fields[.contentType] = "multipart/form-data; boundary=x"
        let r = await h.client.send(.post, "/prepare/start?runId=x", fields: fields, body: [UInt8](repeating: 0, count: 70_000),
                                    clientAddress: nil, requestId: nil)
        #expect(r.status == 413 && r.json?["message"] != nil, "the other routes keep 64 KiB")
    }

    @Test func aFullDiskIs507AndLeavesNothing() async throws {
        // Injected writer failure: ENOSPC once the file passes 1000 bytes (PERSEPHONE_FAULT_DISK_FULL_AFTER_BYTES).
        let h = try PersephoneHarness(["PERSEPHONE_FAULT_DISK_FULL_AFTER_BYTES": "1000"])
        try rejected(h, await h.upload("a.zip", TestArchives.zip(content: [UInt8](repeating: 9, count: 5_000))), 507, "not enough storage")
        #expect(await h.upload("a.zip", TestArchives.zip(content: [1])).status == 200, "a file that fits still goes in")
    }

    @Test func concurrentUploadsEachGetTheirOwnRun() async throws {
        let h = try PersephoneHarness()
        let ids = await withTaskGroup(of: String?.self) { g in
            for i in 0..<8 {
                g.addTask { await h.upload("m\(i).zip", TestArchives.zip(content: [UInt8](repeating: UInt8(i), count: 50_000))).json?["runId"]?.stringValue }
            }
            var out: [String] = []
            for await id in g { if let id { out.append(id) } }
            return out
        }
        #expect(Set(ids).count == 8 && h.storedFiles().count == 8)
        for id in ids { #expect(try await h.record(id)?.sizeBytes == TestArchives.zip(content: [UInt8](repeating: 0, count: 50_000)).count) }
    }
}
