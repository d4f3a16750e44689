import EdgeTesting
import Foundation
@testable import Functions

/// This repository's deployment as a test client: the generated route table, the apps, and the real
/// `vercel-like.json` (its limits and crons), over an in-memory KV.
enum Deployment {
    static let config: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("vercel-like.json"), encoding: .utf8)) ?? "{}"
    }()

    static func client(_ env: [String: String] = [:], clock: ManualKvClock = ManualKvClock()) throws -> TestClient {
        try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps, config: config, env: env, clock: clock)
    }
}
