import EdgeTesting
import Foundation
import Testing
@testable import Functions

/// `GET /monitor/summary` from the runtime's own request figures (Decisions/0017): the synthetic series
/// only while the Persephone routes have seen no request since the server started; then rate, error
/// percentage and p95 of the real traffic. The dashboard's own polling is not traffic.
@Suite struct PersephoneMonitorTests {
    /// Uploads, prepares and deploys a run to `dev` on `h`'s manual clock; its id.
    static func deployed(_ h: PersephoneHarness) async throws -> String {
        let id = try await h.runId()
        _ = await h.client.send(.post, "/prepare/start?runId=\(id)")
        h.clock.advance(by: 6_000)
        #expect(await h.client.send(.get, "/prepare/status?runId=\(id)").json?["phase"] == "Succeeded")
        _ = await h.client.send(.post, "/deploy/start?runId=\(id)&env=dev")
        h.clock.advance(by: 3_000)
        #expect(await h.client.send(.get, "/deploy/status?runId=\(id)&env=dev").json?["phase"] == "Succeeded")
        return id
    }

    @Test func syntheticBeforeTrafficThenTheRealFigures() async throws {
        let h = try PersephoneHarness()
        let id = try await Self.deployed(h)
        // A server started after the deployment (same data, fresh figures). Its uploads cannot be stored:
        // they answer 500, the server errors of this test.
        let server = try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps, config: Deployment.config,
                                    env: ["UPLOAD_DIR": "/dev/null/uploads", "PERSEPHONE_NVIDIA_SMI": "off"], kv: h.client.kv)
        h.clock.advance(by: 20_000)
        let synthetic = try #require(await server.send(.get, "/monitor/summary?runId=\(id)").json)
        let run = try #require(try await h.record(id))
        let liveSince = try #require(try await h.client.kv.get(PersephoneKeys.deploy(id, "dev"), as: DeployRecord.self)).value
        let expected = MonitorSeries.at(secondsSinceLive: Double(h.clock.nowMs() - DeployState(liveSince, nowMs: h.clock.nowMs()).updatedMs) / 1000, seed: run.sha256)
        #expect(synthetic["red"]?["rps"]?.doubleValue == expected.rps && synthetic["red"]?["p95DurationMs"]?.doubleValue == expected.p95Ms)
        #expect(synthetic["red"]?["errorsPercent"]?.doubleValue == expected.errorsPercent)
        let polledAgain = await server.send(.get, "/monitor/summary?runId=\(id)").json
        #expect(polledAgain?["red"] == synthetic["red"], "polling the summary is not traffic")

        // Real traffic: 10 answered, 2 of them 500s, 2 client errors (not the service's fault).
        for _ in 0..<6 { #expect(await server.send(.get, "/prepare/status?runId=\(id)").status == 200) }
        for _ in 0..<2 { #expect(await server.send(.get, "/deploy/status?runId=\(id)&env=prod").status == 404) }
        for _ in 0..<2 {
            let r = await server.send(.post, "/upload", headers: ["content-type": "multipart/form-data; boundary=\(PersephoneHarness.boundary)"],
                                      body: PersephoneHarness.multipart([("file", "again.zip", TestArchives.zip())]))
            #expect(r.status == 500, "\(r.text)")
        }
        h.clock.advance(by: 5_000)
        let real = try #require(await server.send(.get, "/monitor/summary?runId=\(id)").json)
        // 10 requests over the 25 s since this server's figures began.
        #expect(real["red"]?["rps"]?.doubleValue == 0.4)
        #expect(real["red"]?["errorsPercent"]?.doubleValue == 20)
        #expect(real["slo"]?["availability"]?.doubleValue == 80)
        let p95 = try #require(real["red"]?["p95DurationMs"]?.doubleValue)
        #expect(p95 > 0 && real["slo"]?["latencyP95Ms"]?.doubleValue == p95)
        #expect(real["runId"]?.stringValue == id && real["updatedAt"]?.stringValue != nil)
        #expect(real.objectValue?.map(\.key) == ["runId", "red", "slo", "updatedAt"], "the contract's shape")

        // More traffic moves the figures accordingly.
        for _ in 0..<10 { _ = await server.send(.get, "/prepare/gpus?runId=\(id)") }
        let more = try #require(await server.send(.get, "/monitor/summary?runId=\(id)").json)
        #expect(more["red"]?["rps"]?.doubleValue == 0.8 && more["red"]?["errorsPercent"]?.doubleValue == 10)
    }

    @Test func beforeADeploymentEveryNumberIsZeroWhateverTheTraffic() async throws {
        let h = try PersephoneHarness()
        let id = try await h.runId()
        for _ in 0..<5 { _ = await h.client.send(.get, "/prepare/status?runId=\(id)") }
        let m = try #require(await h.client.send(.get, "/monitor/summary?runId=\(id)").json)
        #expect(m["red"]?["rps"] == 0 && m["red"]?["errorsPercent"] == 0 && m["red"]?["p95DurationMs"] == 0)
        #expect(m["slo"]?["availability"] == 0 && m["slo"]?["latencyP95Ms"] == 0)
    }
}
