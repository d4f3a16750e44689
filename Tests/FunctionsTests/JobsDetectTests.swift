import EdgeTesting
import Testing

/// `POST /detect/objects` and the app's error contract for the runtime's own answers (CONTRACTS §3.2, §3.3).
@Suite struct JobsDetectTests {
    func detect(_ h: JobsHarness, _ image: String, _ extra: String = "") async -> TestResponse {
        await h.client.send(.post, "/detect/objects", json: #"{"imageBase64":"\#(image)""# + extra + "}")
    }

    @Test func findsTheBoxOfGeneratedImages() async throws {
        let h = try JobsHarness()
        let r = await detect(h, JobsHarness.squareURL)
        #expect(r.status == 200 && r.json?["modelVersion"] == "backend-mvp-edge-heuristic-0.5.0")
        #expect(r.json?["objects"] == [["x": 7, "y": 3, "width": 13, "height": 9, "label": "foreground", "score": 0.402]])
        #expect(r.json?["latencyMs"]?.doubleValue != nil && r.json?["requestId"]?.stringValue == r.header("x-request-id"))
        // A white 20x30 rectangle at (40, 10) on black 100x50: the edge ring lies inside it.
        let rect = TestImage.png(width: 100, height: 50, pixels: TestImage.gray(width: 100, height: 50) { x, y in
            (40..<60).contains(x) && (10..<40).contains(y) ? 255 : 0
        })
        let r2 = await detect(h, TestImage.dataURL(rect))
        #expect(r2.json?["objects"] == [["x": 40, "y": 10, "width": 19, "height": 29, "label": "foreground", "score": 0.36]])
        // Uniform: no edges, no object. minScore above the score: dropped.
        let flat = TestImage.png(width: 16, height: 16, pixels: [UInt8](repeating: 220, count: 256))
        #expect(await detect(h, TestImage.dataURL(flat)).json?["objects"] == [])
        #expect(await detect(h, JobsHarness.squareURL, #","minScore":0.5"#).json?["objects"] == [])
        // JPEG decodes too (lossy: the box is near the PNG's).
        let jpeg = TestImage.jpeg(width: 32, height: 24, pixels: TestImage.gray(width: 32, height: 24) { x, y in
            (8..<20).contains(x) && (4..<12).contains(y) ? 0 : 255
        }, quality: 100)
        let r3 = await detect(h, TestImage.dataURL(jpeg, mime: "image/jpeg"))
        #expect(r3.status == 200 && r3.json?["objects"]?.arrayValue?.count == 1)
    }

    @Test func hostileImagesAre400InvalidImagePayload() async throws {
        let h = try JobsHarness()
        var bombHeader = JobsHarness.squarePNG
        for (i, b) in ([0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30] as [UInt8]).enumerated() { bombHeader[16 + i] = b }
        let inflating = TestImage.pngWithImageData(width: 64, height: 64, inflated: [UInt8](repeating: 0, count: 24 << 20))
        // A 4096x4096 progressive frame with 65 scans: scans x pixels past the decode limits (a CPU bomb).
        var scanBomb: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x10, 0x00, 0x10, 0x00, 0x01, 0x01, 0x11, 0x00]
        for _ in 0..<65 { scanBomb += [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00] }
        scanBomb += [0xFF, 0xD9]
        let cases: [(String, String)] = [
            ("gif", "data:image/gif;base64,R0lGODlhAQABAAAAACw="),
            ("30000x30000 header", TestImage.dataURL(bombHeader)),
            ("zlib bomb", TestImage.dataURL(inflating)),
            ("jpeg scan bomb", TestImage.dataURL(scanBomb, mime: "image/jpeg")),
            ("truncated", TestImage.dataURL(Array(JobsHarness.squarePNG.prefix(60)))),
            ("no comma", "not a data url"),
            ("not base64", "data:image/png;base64,@@@@"),
            ("empty", "data:image/png;base64,"),
            ("text", TestImage.dataURL(Array("hello world".utf8))),
        ]
        for (name, image) in cases {
            let r = await detect(h, image)
            #expect(r.status == 400 && r.code == "invalid_image_payload", "\(name): \(r.text)")
            #expect(r.json?["message"]?.stringValue?.hasPrefix("invalid image payload: ") == true)
            #expect(r.json?["details"] == ["stage": "decode_or_open"] && r.json?["requestId"] != nil)
        }
    }

    /// A progressive CMYK JPEG of 1300x1300 (SOI, DQT, SOF2 with 4 components, EOI) is a valid image: it
    /// was 400 "outofmem" (stb reports 3 components for it, and the decode budget followed).
    @Test func progressiveCMYKJpegIsDecoded() async throws {
        let h = try JobsHarness()
        var b: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 1, count: 64)
        b += [0xFF, 0xC2, 0x00, 0x14, 0x08, 0x05, 0x14, 0x05, 0x14, 0x04]
        for id: UInt8 in 1...4 { b += [id, 0x11, 0x00] }
        let r = await detect(h, TestImage.dataURL(b + [0xFF, 0xD9], mime: "image/jpeg"))
        #expect(r.status == 200, "\(r.text)")
    }

    @Test func theRuntimesOwnAnswersUseTheContract() async throws {
        let h = try JobsHarness()
        let wrong = await h.client.send(.delete, "/jobs")
        #expect(wrong.status == 405 && wrong.code == "http_error" && wrong.json?["details"]?["path"] == "/jobs")
        #expect(wrong.json?["requestId"] != nil && wrong.header("access-control-allow-origin") == "*")
        let big = Array(repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024 + 1)
        let tooLarge = await h.client.send(.post, "/detect/objects", body: big)
        #expect(tooLarge.status == 413 && tooLarge.code == "payload_too_large")
        let malformed = await h.client.send(.post, "/detect/objects", json: "{")
        #expect(malformed.status == 422 && malformed.code == "validation_error")
        let preflight = await h.client.send(.options, "/jobs", headers: ["origin": "http://localhost:4173", "access-control-request-method": "POST"])
        #expect(preflight.status == 200 && preflight.header("access-control-allow-origin") == "*")
    }
}
