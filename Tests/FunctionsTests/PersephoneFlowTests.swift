import EdgeTesting
import Foundation
import Testing
@testable import Functions

/// Prepare, deploy and monitor through the router (CONTRACTS §4.1, §4.3), the way the UI polls them,
/// on a manual clock: phases move only when the test advances time.
@Suite struct PersephoneFlowTests {
    static let runEndpoints: [(HTTPRequest.Method, String)] = [
        (.post, "/prepare/start"), (.get, "/prepare/status"), (.get, "/prepare/gpus"),
        (.post, "/deploy/start"), (.get, "/deploy/status"), (.get, "/monitor/summary"),
    ]

    @Test func missingEmptyAndUnknownRunIdOnEveryEndpoint() async throws {
        let h = try PersephoneHarness()
        for (method, path) in Self.runEndpoints {
            for target in [path, path + "?runId=", path + "?env=dev"] {
                let r = await h.client.send(method, target)
                #expect(r.status == 400 && r.json?["message"] == "runId query parameter is required", "\(method) \(target)")
            }
            let r = await h.client.send(method, path + "?runId=nope&env=dev")
            #expect(r.status == 404 && r.json?["message"] == "run nope not found", "\(method) \(path)")
        }
    }

    @Test func theWholePipelineAsTheUIPollsIt() async throws {
        let h = try PersephoneHarness()
        let id = try await h.runId()
        #expect(await h.client.send(.get, "/prepare/gpus?runId=\(id)").json?.arrayValue?.count == 3)
        let notYet = await h.client.send(.post, "/deploy/start?runId=\(id)&env=dev")
        #expect(notYet.status == 409 && notYet.json?["message"] == "preparation has not succeeded yet")

        let started = await h.client.send(.post, "/prepare/start?runId=\(id)&gpuId=l4-24gb")
        #expect(started.status == 200 && started.json?["phase"] == "Running")
        #expect(started.json?["steps"]?[0]?["status"] == "Running" && started.json?["steps"]?[1]?["status"] == "Pending")
        let free = await h.client.send(.get, "/prepare/gpus?runId=\(id)").json?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(free == ["a100-80gb", "t4-16gb"], "the held GPU is not offered")
        let other = try await h.runId("other.zip")
        let taken = await h.client.send(.post, "/prepare/start?runId=\(other)&gpuId=l4-24gb")
        #expect(taken.status == 409 && taken.json?["message"] == "GPU l4-24gb is in use by another preparation")
        #expect(await h.client.send(.post, "/prepare/start?runId=\(other)&gpuId=h100").status == 400)
        #expect(try await h.record(other)?.prepare == nil, "refused starts change nothing")

        h.clock.advance(by: 1_500)
        var s = await h.client.send(.get, "/prepare/status?runId=\(id)")
        #expect(s.json?["steps"]?[0]?["status"] == "Succeeded" && s.json?["steps"]?[0]?["completedAt"] != nil)
        #expect(s.json?["steps"]?[1]?["status"] == "Running" && s.json?["updatedAt"]?.stringValue == "2026-01-01T00:00:01.500Z")
        let again = await h.client.send(.post, "/prepare/start?runId=\(id)")
        #expect(again.json?["updatedAt"] == s.json?["updatedAt"], "a second start is idempotent")
        h.clock.advance(by: 4_500)
        s = await h.client.send(.get, "/prepare/status?runId=\(id)")
        #expect(s.json?["phase"] == "Succeeded")
        #expect(await h.client.send(.get, "/prepare/gpus?runId=\(id)").json?.arrayValue?.count == 3, "released at the end")

        #expect(await h.client.send(.get, "/deploy/status?runId=\(id)&env=dev").json?["message"] == .string("no deployment of run \(id) to dev"))
        #expect(await h.client.send(.post, "/deploy/start?runId=\(id)&env=qa").status == 400)
        #expect(await h.client.send(.post, "/deploy/start?runId=\(id)").status == 400)
        let zero = await h.client.send(.get, "/monitor/summary?runId=\(id)")
        #expect(zero.json?["red"]?["rps"] == 0 && zero.json?["slo"]?["availability"] == 0)

        let d = await h.client.send(.post, "/deploy/start?runId=\(id)&env=dev")
        #expect(d.status == 200 && d.json?["phase"] == "Pending" && d.json?["version"] == "v1" && d.json?["environment"] == "dev")
        h.clock.advance(by: 1_000)
        #expect(await h.client.send(.get, "/deploy/status?runId=\(id)&env=dev").json?["phase"] == "Running")
        h.clock.advance(by: 2_000)
        let live = await h.client.send(.get, "/deploy/status?runId=\(id)&env=dev")
        #expect(live.json?["phase"] == "Succeeded" && live.json?["message"] == "v1 is live in dev")
        #expect(await h.client.send(.post, "/deploy/start?runId=\(id)&env=dev").json?["version"] == "v2")
        #expect(await h.client.send(.post, "/deploy/start?runId=\(id)&env=prod").json?["version"] == "v1")

        h.clock.advance(by: 5_000)
        let m = await h.client.send(.get, "/monitor/summary?runId=\(id)")
        let errors = try #require(m.json?["red"]?["errorsPercent"]?.doubleValue)
        let availability = try #require(m.json?["slo"]?["availability"]?.doubleValue)
        #expect((0...100).contains(errors) && abs(availability - (100 - errors)) < 0.011 && availability > 99)
        #expect((m.json?["red"]?["rps"]?.doubleValue ?? 0) > 0 && (m.json?["red"]?["p95DurationMs"]?.doubleValue ?? 0) > 0)
        #expect(await h.client.send(.get, "/monitor/summary?runId=\(id)").json?["red"] == m.json?["red"], "deterministic")
    }

    @Test func aCorruptZipFailsValidateArtifactAndMayRestart() async throws {
        let h = try PersephoneHarness()
        let id = try await h.runId("broken.zip", TestArchives.corruptZip())
        #expect(await h.client.send(.post, "/prepare/start?runId=\(id)").json?["phase"] == "Running")
        h.clock.advance(by: 1_500)
        let s = await h.client.send(.get, "/prepare/status?runId=\(id)")
        #expect(s.json?["phase"] == "Failed" && s.json?["steps"]?[0]?["status"] == "Failed")
        #expect(s.json?["steps"]?[0]?["message"]?.stringValue?.contains("not a valid zip archive") == true, "\(s.text)")
        #expect(s.json?["steps"]?[1]?["status"] == "Pending")
        #expect(await h.client.send(.get, "/prepare/gpus?runId=\(id)").json?.arrayValue?.count == 3)
        let restart = await h.client.send(.post, "/prepare/start?runId=\(id)")
        #expect(restart.json?["phase"] == "Running", "restart after Failed is allowed")
    }

    @Test func validArchivesPassAndAFailNameFailsAtWarmUp() async throws {
        let h = try PersephoneHarness(["PREPARE_STEP_MS": "10"])
        for (name, bytes) in [("ok.tar", TestArchives.tar()), ("ok.zip", TestArchives.zip()), ("ok.pt", TestArchives.zip())] {
            let id = try await h.runId(name, bytes)
            _ = await h.client.send(.post, "/prepare/start?runId=\(id)")
            h.clock.advance(by: 40)
            #expect(await h.client.send(.get, "/prepare/status?runId=\(id)").json?["phase"] == "Succeeded", "\(name)")
        }
        let id = try await h.runId("will-fail.zip")
        _ = await h.client.send(.post, "/prepare/start?runId=\(id)")
        h.clock.advance(by: 40)
        let s = await h.client.send(.get, "/prepare/status?runId=\(id)")
        #expect(s.json?["phase"] == "Failed" && s.json?["steps"]?[3]?["status"] == "Failed" && s.json?["steps"]?[2]?["status"] == "Succeeded")
    }

    @Test func aChangedArtifactFailsItsChecksum() async throws {
        let h = try PersephoneHarness()
        let id = try await h.runId()
        let path = try #require(try await h.record(id)?.path)
        var bytes = TestArchives.zip()
        bytes[40] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        _ = await h.client.send(.post, "/prepare/start?runId=\(id)")
        h.clock.advance(by: 1_500)
        let s = await h.client.send(.get, "/prepare/status?runId=\(id)")
        #expect(s.json?["steps"]?[0]?["message"]?.stringValue?.contains("checksum mismatch") == true)
    }

    @Test func noGPUsMeansAnEmptyListAndAStartWithoutOne() async throws {
        let h = try PersephoneHarness(["PERSEPHONE_GPUS_JSON": "[]"])
        let id = try await h.runId()
        let r = await h.client.send(.get, "/prepare/gpus?runId=\(id)")
        #expect(r.status == 200 && r.text == "[]")
        #expect(await h.client.send(.post, "/prepare/start?runId=\(id)").json?["phase"] == "Running")
        let custom = try PersephoneHarness(["PERSEPHONE_GPUS_JSON": #"[{"id":"h100","name":"H100","memoryGb":80},{"name":"no id"}]"#])
        let cid = try await custom.runId()
        #expect(await custom.client.send(.get, "/prepare/gpus?runId=\(cid)").json == [["id": "h100", "name": "H100", "memoryGb": 80]])
    }

    @Test func realGPUsComeFromNvidiaSMIWhenItAnswers() async throws {
        let bin = try TemporaryDirectory(prefix: "persephone-smi")
        try bin.write("nvidia-smi", "#!/bin/sh\n[ \"$1\" = --query-gpu=index,name,memory.total ] || exit 3\necho '0, NVIDIA A100-SXM4-80GB, 81920'\necho '1, NVIDIA L4, 23034'\n")
        try bin.write("broken-smi", "#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 9\n")
        chmod(bin.file("nvidia-smi"), 0o755)
        chmod(bin.file("broken-smi"), 0o755)
        let h = try PersephoneHarness(["PERSEPHONE_NVIDIA_SMI": bin.file("nvidia-smi"), "PERSEPHONE_GPUS_JSON": "[]"])
        let id = try await h.runId()
        let gpus = await h.client.send(.get, "/prepare/gpus?runId=\(id)")
        #expect(gpus.json == [["id": "gpu0", "name": "NVIDIA A100-SXM4-80GB", "memoryGb": 80, "provider": "nvidia-smi", "region": "local"],
                              ["id": "gpu1", "name": "NVIDIA L4", "memoryGb": 22, "provider": "nvidia-smi", "region": "local"]])
        let broken = try PersephoneHarness(["PERSEPHONE_NVIDIA_SMI": bin.file("broken-smi")])
        let bid = try await broken.runId()
        #expect(await broken.client.send(.get, "/prepare/gpus?runId=\(bid)").json?.arrayValue?.count == 3, "falls back to the simulated three")
        let missing = try PersephoneHarness(["PERSEPHONE_NVIDIA_SMI": bin.file("absent")])
        let mid = try await missing.runId()
        #expect(await missing.client.send(.get, "/prepare/gpus?runId=\(mid)").json?.arrayValue?.count == 3)
        #expect(NvidiaSMI.parse("") == [] && NvidiaSMI.parse("garbage\n") == nil)
    }

    @Test func credentialedCORSAndTheSessionCookie() async throws {
        let h = try PersephoneHarness()
        let id = try await h.runId()
        let ok = await h.client.send(.get, "/prepare/status?runId=\(id)", headers: ["origin": "http://localhost:3000"])
        #expect(ok.header("access-control-allow-origin") == "http://localhost:3000")
        #expect(ok.header("access-control-allow-credentials") == "true" && ok.header("vary")?.contains("Origin") == true)
        let cookie = try #require(ok.header("set-cookie"))
        #expect(cookie.hasPrefix("psphn_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        let value = cookie.split(separator: ";")[0].dropFirst("psphn_session=".count)
        #expect(value.count == 32)
        let again = await h.client.send(.get, "/prepare/status?runId=\(id)", headers: ["cookie": "psphn_session=\(value)"])
        #expect(again.header("set-cookie") == nil, "not re-issued while the client sends it")
        let https = await h.client.send(.get, "/prepare/status?runId=\(id)", headers: ["x-forwarded-proto": "https"])
        #expect(https.header("set-cookie")?.contains("SameSite=None") == true && https.header("set-cookie")?.contains("Secure") == true)
        let foreign = await h.client.send(.get, "/prepare/status?runId=\(id)", headers: ["origin": "https://evil.example"])
        #expect(foreign.status == 200 && foreign.header("access-control-allow-origin") == nil)
        let preflight = await h.client.send(.options, "/upload", headers: ["origin": "http://localhost:3000", "access-control-request-method": "POST"])
        #expect(preflight.status == 204 && preflight.header("access-control-allow-origin") == "http://localhost:3000")
        #expect(preflight.header("access-control-allow-methods") == "GET, POST, OPTIONS" && preflight.header("access-control-allow-headers") == "Content-Type")
        #expect(preflight.header("access-control-allow-credentials") == "true")
        let err = await h.client.send(.get, "/prepare/status", headers: ["origin": "http://localhost:3000"])
        #expect(err.status == 400 && err.header("access-control-allow-origin") == "http://localhost:3000", "errors carry CORS too")
        let wrong = await h.client.send(.get, "/upload")
        #expect(wrong.status == 405 && wrong.json?["message"] != nil)
    }
}
