import EdgeRuntime
import Foundation
import KV
import Testing
@testable import Functions

@Suite struct VLMSecurityTests {
    @Test func corsPreflightAndHeaders() async throws {
        let h = try VLMHarness()
        let pre = try await h.call(VLMPrompts.self, .options, "/v1/prompts", headers: ["origin": "https://x.test", "access-control-request-method": "POST"])
        #expect(pre.status == 200)
        #expect(pre.body.isEmpty)
        #expect(pre.header("access-control-allow-origin") == "*")
        #expect(pre.header("access-control-allow-methods") == "GET, POST, PUT, DELETE, OPTIONS")
        #expect(pre.header("access-control-allow-headers") == "content-type, authorization, x-admin-token, x-nonce")
        // The app answers every preflight of its routes, whatever methods a route declares.
        for path in ["/about", "/v1/vision/stream", "/admin/backup", "/v1/prompts/1/default", "/healthz"] {
            let p = try await h.call(VLMAbout.self, .options, path, headers: ["origin": "https://x.test"])
            #expect(p.status == 200 && p.header("access-control-allow-origin") == "*", "\(path)")
        }
        let health = try await h.call(Healthz.self, .get, "/healthz", headers: ["origin": "https://x.test"])
        #expect(health.header("access-control-allow-origin") == "*", "the shared /healthz is the VLM app's too")
        // Every response carries ACAO, errors included.
        #expect(try await h.list("").header("access-control-allow-origin") == "*")
        let err = try await h.create("{")
        #expect(err.status == 400)
        #expect(err.header("access-control-allow-origin") == "*")

        let listed = try VLMHarness(["ALLOWED_ORIGINS": "https://app.test, http://localhost:3000"])
        let ok = try await listed.call(VLMAbout.self, .get, "/about", headers: ["origin": "http://localhost:3000"])
        #expect(ok.header("access-control-allow-origin") == "http://localhost:3000")
        #expect(ok.header("vary") == "Origin")
        let other = try await listed.call(VLMAbout.self, .options, "/about", headers: ["origin": "https://evil.test"])
        #expect(other.header("access-control-allow-origin") == nil)
        #expect(other.header("vary") == "Origin")
    }

    @Test func adminTokenFailsClosed() async throws {
        let unset = try VLMHarness(["ADMIN_TOKEN": ""])
        let r = try await unset.create(#"{"namespace":"d","name":"x","text":"t"}"#)
        #expect(r.status == 401)
        #expect(r.error == "Unauthorized")
        #expect(r.code == "unauthorized")
        let h = try VLMHarness()
        let wrong = try await h.call(VLMPrompts.self, .post, "/v1/prompts", headers: ["x-admin-token": VLMHarness.admin + "x"], json: #"{"namespace":"d","name":"x","text":"t"}"#)
        #expect(wrong.status == 401)
        let prefix = try await h.call(VLMPrompts.self, .post, "/v1/prompts", headers: ["x-admin-token": String(VLMHarness.admin.dropLast())], json: #"{"namespace":"d","name":"x","text":"t"}"#)
        #expect(prefix.status == 401)
        let none = try await h.call(VLMAdminBackup.self, .post, "/admin/backup")
        #expect(none.status == 401)
        #expect(try await h.allKeys().isEmpty)
    }

    @Test func writeRateLimit() async throws {
        let h = try VLMHarness(["WRITE_RL_LIMIT": "3", "WRITE_RL_WINDOW_SEC": "86400"])
        var statuses: [Int] = []
        var last: VLMTestResponse?
        for i in 0..<5 {
            let r = try await h.create(#"{"namespace":"d","name":"n\#(i)","text":"t"}"#)
            statuses.append(r.status)
            if i < 3 {
                #expect(r.header("x-ratelimit-limit") == "3")
                #expect(r.header("x-ratelimit-remaining") == String(2 - i))
            }
            last = r
        }
        #expect(statuses == [201, 201, 201, 429, 429])
        let l = try #require(last)
        #expect(l.error == "Too many requests")
        #expect(l.code == "rate_limited")
        #expect(l.header("x-ratelimit-remaining") == "0")
        #expect(Int(l.header("x-ratelimit-reset") ?? "") ?? 0 >= 1)
        #expect(l.header("retry-after") == l.header("x-ratelimit-reset"))
        // Checked before auth: unauthenticated requests are throttled too, in their own bucket per group.
        let bad = try await h.call(VLMPrompts.self, .post, "/v1/prompts", json: "{}")
        #expect(bad.status == 429)
        // Other groups and other clients have their own buckets.
        let upd = try await h.call(VLMPromptByID.self, .put, "/v1/prompts/1", json: "{}", params: ["id": "1"], admin: true)
        #expect(upd.status == 200)
        let otherIP = try await h.call(VLMPrompts.self, .post, "/v1/prompts", headers: ["x-forwarded-for": "10.0.0.9"], json: #"{"namespace":"d","name":"z","text":"t"}"#, admin: true)
        #expect(otherIP.status == 201)
        // Reads are not limited.
        #expect(try await h.list("").status == 200)
        #expect(try await h.list("").header("x-ratelimit-limit") == nil)
    }

    @Test func concurrentClientsGetExactlyTheLimit() async throws {
        let h = try VLMHarness(["WRITE_RL_LIMIT": "20", "WRITE_RL_WINDOW_SEC": "86400"])
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    try await h.call(VLMAdminRegex.self, .delete, "/admin/config/regex", admin: true).status
                }
            }
            var out: [Int] = []
            for try await s in group { out.append(s) }
            return out
        }
        #expect(statuses.filter { $0 == 200 }.count == 20)
        #expect(statuses.filter { $0 == 429 }.count == 44)
    }

    @Test func nonceReplayAndRules() async throws {
        let h = try VLMHarness()
        let nonce = ["x-nonce": "nonce-0001"]
        // A rejected write does not consume the nonce.
        let bad = try await h.create(#"{"namespace":"d"}"#, headers: nonce)
        #expect(bad.status == 400)
        let ok = try await h.create(#"{"namespace":"d","name":"a","text":"t"}"#, headers: nonce)
        #expect(ok.status == 201)
        let replay = try await h.create(#"{"namespace":"d","name":"b","text":"t"}"#, headers: nonce)
        #expect(replay.status == 409)
        #expect(replay.error == "Nonce already used")
        #expect(replay.code == "replay")
        #expect(try await h.keys(VLMKeys.byIdPrefix).count == 1, "the replayed write was not performed")
        // A duplicate prompt does not consume its nonce.
        let dup = try await h.create(#"{"namespace":"d","name":"a","text":"t"}"#, headers: ["x-nonce": "nonce-0002"])
        #expect(dup.status == 409)
        #expect(dup.code == "duplicate_prompt")
        #expect(try await h.create(#"{"namespace":"d","name":"c","text":"t"}"#, headers: ["x-nonce": "nonce-0002"]).status == 201)
        // Malformed nonce.
        #expect(try await h.create(#"{"namespace":"d","name":"e","text":"t"}"#, headers: ["x-nonce": "short"]).error == "Invalid nonce")
        #expect(try await h.create(#"{"namespace":"d","name":"e","text":"t"}"#, headers: ["x-nonce": "bad nonce!!"]).status == 400)
        // Nonce stored with an expiry.
        #expect(try await h.kv.get(["nonce", "nonce-0001"]).versionstamp != nil)
        // Required mode.
        let req = try VLMHarness(["ENABLE_NONCE_REQUIRED_FOR_WRITE": "1"])
        let missing = try await req.create(#"{"namespace":"d","name":"a","text":"t"}"#)
        #expect(missing.status == 400)
        #expect(missing.error == "Nonce required")
        #expect(try await req.allKeys().isEmpty)
    }

    @Test func oneNonceConcurrentlyIsAcceptedOnce() async throws {
        let h = try VLMHarness()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<20 {
                group.addTask {
                    try await h.create(#"{"namespace":"d","name":"n\#(i)","text":"t"}"#, headers: ["x-nonce": "same-nonce-123"]).status
                }
            }
            var out: [Int] = []
            for try await s in group { out.append(s) }
            return out
        }
        #expect(statuses.filter { $0 == 201 }.count == 1)
        #expect(statuses.filter { $0 == 409 }.count == 19)
        #expect(try await h.keys(VLMKeys.byIdPrefix).count == 1)
    }

    @Test func fiftyParallelCreatesGetDistinctIds() async throws {
        let h = try VLMHarness()
        let ids = try await withThrowingTaskGroup(of: Int?.self) { group in
            for i in 0..<50 {
                group.addTask {
                    let r = try await h.create(#"{"namespace":"race","name":"p\#(i)","lang":"\#(i % 2 == 0 ? "en" : "ru")","text":"t"}"#)
                    return r.status == 201 ? r.json?["id"]?.intValue : nil
                }
            }
            var out: [Int] = []
            for try await id in group { if let id { out.append(id) } }
            return out
        }
        #expect(ids.count == 50)
        #expect(Set(ids) == Set(1...50))
        #expect(try await h.kv.get(VLMKeys.counter).value == .number(50))
        #expect(Set(try await h.ids(VLMKeys.namespaceIndex("race"))) == Set(1...50))
        #expect(try await h.ids(VLMKeys.langIndex("race", "en")).count == 25)
        #expect(try await h.ids(VLMKeys.activeIndex).count == 50)
        #expect(try await h.keys(["prompts", "race"]).count == 50)
    }

    @Test func parallelSetDefaultLeavesExactlyOneDefault() async throws {
        let h = try VLMHarness()
        var ids: [Int] = []
        for i in 0..<10 { ids.append(try await h.create(name: "d\(i)", lang: "ru")) }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for id in ids + ids {
                group.addTask { try await h.setDefault(id).status }
            }
            var out: [Int] = []
            for try await s in group { out.append(s) }
            return out
        }
        #expect(statuses.allSatisfy { $0 == 200 })
        let store = VLMPromptStore(kv: h.kv)
        let all = try await store.load(ids)
        let defaults = all.filter(\.isDefault)
        #expect(defaults.count == 1)
        let pointer = VLMPromptStore.int(try await h.kv.get(VLMKeys.defaultPointer("default", "ru")))
        #expect(pointer == defaults.first?.id)
        // The secondary copies agree.
        for p in all {
            let s = VLMPromptStore(kv: h.kv).decode(try await h.kv.get(VLMKeys.secondary(p)))
            #expect(s?.isDefault == p.isDefault)
        }
    }
}

@Suite struct VLMSeedStage7Tests {
    /// Seed stage 7: `for i in {1..25}; do curl -X POST $URL/v1/prompts ...; done` -> 429 with the default limit (20/60 s).
    @Test func twentyFiveCreatesHitTheDefaultLimit() async throws {
        let h = try VLMHarness(["WRITE_RL_LIMIT": "", "WRITE_RL_WINDOW_SEC": ""])
        var statuses: [Int] = []
        for i in 1...25 { statuses.append(try await h.create(#"{"namespace":"d","name":"p\#(i)","text":"t"}"#).status) }
        // 20 per window; a window boundary inside the loop can only add allowed requests.
        #expect(statuses.prefix(20).allSatisfy { $0 == 201 })
        #expect(statuses.contains(429))
        #expect(try await h.create(#"{"namespace":"d","name":"x","text":"t"}"#).header("x-ratelimit-limit") == "20")
    }
}
