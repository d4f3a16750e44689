import EdgeTesting
import Testing

/// System 002 through the router: a client on an in-memory KV with a manual clock, test images, polling.
struct JobsHarness {
    let client: TestClient
    let clock: ManualKvClock

    init(_ env: [String: String] = [:]) throws {
        clock = ManualKvClock()
        client = try Deployment.client(env, clock: clock)
    }

    /// 32x24 white with a black 12x8 square at (8, 4): the detector's box is (7, 3, 13, 9), score 0.402.
    static let squarePNG = TestImage.png(width: 32, height: 24, pixels: TestImage.gray(width: 32, height: 24) { x, y in
        (8..<20).contains(x) && (4..<12).contains(y) ? 0 : 255
    })
    static let squareURL = TestImage.dataURL(squarePNG)

    static func jobBody(image: String = squareURL, extra: String = "") -> String {
        #"{"task":"detect-objects","imageBase64":"\#(image)""# + extra + "}"
    }

    func create(_ extra: String = "", image: String = JobsHarness.squareURL) async -> TestResponse {
        await client.send(.post, "/jobs", json: Self.jobBody(image: image, extra: extra))
    }

    func createdId(_ extra: String = "", image: String = JobsHarness.squareURL) async throws -> String {
        let r = await create(extra, image: image)
        #expect(r.status == 200, "\(r.text)")
        return try #require(r.json?["jobId"]?.stringValue)
    }

    func status(_ id: String) async -> String? { await client.send(.get, "/jobs/\(id)").json?["status"]?.stringValue }

    /// Polls `GET /jobs/{id}` (real time, up to ~10 s) until its status satisfies `done`.
    func wait(_ id: String, until done: (String) -> Bool) async throws -> String {
        var last = ""
        for _ in 0..<1000 {
            last = await status(id) ?? "missing"
            if done(last) { return last }
            try await Task.sleep(for: .milliseconds(10))
        }
        return last
    }

    func waitTerminal(_ id: String) async throws -> String {
        try await wait(id) { ["done", "failed", "timeout", "canceled", "missing"].contains($0) }
    }
}
