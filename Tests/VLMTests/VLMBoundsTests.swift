import EdgeRuntime
import Foundation
import KV
import Testing
@testable import Functions

/// Numbers from requests and from KV never reach a trap (Decision 0012): bounds at the door, guarded
/// conversions on the way back.
@Suite struct VLMBoundsTests {
    static func restoreDoc(id: String, version: String = "1", priority: String = "0", ns: String = "default") -> String {
        #"{"prompts":[{"id":\#(id),"namespace":"\#(ns)","name":"n\#(id)","version":\#(version),"lang":"en","text":"t","tags":[],"priority":\#(priority),"is_active":true,"is_default":false,"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"}]}"#
    }

    func restore(_ h: VLMHarness, _ json: String) async throws -> VLMTestResponse {
        try await h.call(VLMAdminRestore.self, .post, "/admin/restore", json: json, admin: true)
    }

    @Test(arguments: [
        ("9223372036854775295", "1", "0"),  // 2^63 - 513: stored as the Double 2^63, then every list trapped
        ("9223372036854775807", "1", "0"),
        ("9007199254740992", "1", "0"),  // 2^53: every later create answered 503 forever
        ("0", "1", "0"), ("-1", "1", "0"),
        ("1", "9223372036854775807", "0"), ("1", "2147483648", "0"), ("1", "0", "0"),
        ("1", "1", "9223372036854775807"), ("1", "1", "-9223372036854775808"), ("1", "1", "2147483648"),
    ] as [(String, String, String)])
    func restoreOutsideTheBoundsIs400AndWritesNothing(id: String, version: String, priority: String) async throws {
        let h = try VLMHarness()
        let r = try await restore(h, Self.restoreDoc(id: id, version: version, priority: priority))
        #expect(r.status == 400, "\(id)/\(version)/\(priority): \(r.text)")
        #expect(r.error == "Invalid field: prompts")
        #expect(try await h.allKeys().isEmpty)
        #expect(try await h.list("").status == 200)
        #expect(try await h.create(name: "after") == 1)
    }

    @Test func boundsThemselvesAreAccepted() async throws {
        let h = try VLMHarness()
        let max = try await restore(h, Self.restoreDoc(id: "9007199254740991", version: "2147483647", priority: "-2147483648"))
        #expect(max.status == 200, "\(max.text)")
        let items = try #require(try await h.list("").json?["items"]?.arrayValue)
        #expect(items.first?["id"] == .number(9_007_199_254_740_991))
        #expect(items.first?["version"] == 2_147_483_647)
        #expect(items.first?["priority"] == -2_147_483_648)
        let backup = try await h.call(VLMAdminBackup.self, .post, "/admin/backup", admin: true)
        #expect(backup.json?["count"] == 1, "visible in backups too")
        // The counter is at the end of the id space: a clear 507, not a retry loop ending in 503.
        let full = try await h.create(#"{"namespace":"default","name":"x","text":"t"}"#)
        #expect(full.status == 507, "\(full.text)")
        #expect(full.code == "ids_exhausted")
    }

    @Test(arguments: [
        #""version":2147483648"#, #""version":9007199254740991"#, #""version":1e300"#,
        #""priority":2147483648"#, #""priority":-2147483649"#, #""priority":9007199254740993"#,
    ])
    func createAndUpdateOutsideTheBoundsAre400(field: String) async throws {
        let h = try VLMHarness()
        let name = field.contains("version") ? "version" : "priority"
        let c = try await h.create(#"{"namespace":"d","name":"x","text":"t",\#(field)}"#)
        #expect(c.status == 400, "\(field): \(c.text)")
        #expect(c.error == "Invalid field: \(name)")
        #expect(try await h.allKeys().isEmpty)
        let id = try await h.create(name: "ok", priority: 2_147_483_647)
        let u = try await h.call(VLMPromptByID.self, .put, "/v1/prompts/\(id)", json: "{\(field)}", params: ["id": String(id)], admin: true)
        #expect(u.status == 400, "\(field): \(u.text)")
        #expect(try await h.get(id).json?["priority"] == 2_147_483_647)
    }

    // MARK: data stored before the bounds (or corrupted) is read without a trap

    @Test func storedOutOfRangeRecordsAreSkippedNotTrapped() async throws {
        let h = try VLMHarness()
        let good = try await h.create(name: "good")
        // What the old restore wrote for id 2^63 - 512, and a counter past 2^53.
        var huge = VLMPrompt(id: 1, namespace: "default", name: "huge", version: 1, lang: "en", text: "t", tags: [],
                             priority: 0, isActive: true, isDefault: false, createdAt: "x", updatedAt: "x").kvValue
        if case .object(var m) = huge { m[0] = .init("id", .number(9.223372036854775e18)); huge = .object(m) }
        let hugeKey: KvKey = ["prompts", "by_id", .number(9.223372036854775e18)]
        _ = try await h.kv.atomic()
            .set(hugeKey, huge)
            .set(VLMKeys.namespaceEntry("default", 7), .bool(true))
            .set(["prompts_idx", "ns", "default", .number(9.223372036854775e18)], .bool(true))
            .set(["prompts_idx", "ns", "default", .number(1.5)], .bool(true))
            .set(VLMKeys.counter, .number(9.223372036854775e18)).commit()
        // A record at id 7 with a priority no Int holds, one with a wrong type, one whose id disagrees.
        var bad = VLMPrompt(id: 7, namespace: "default", name: "bad", version: 1, lang: "en", text: "t", tags: [],
                            priority: 0, isActive: true, isDefault: false, createdAt: "x", updatedAt: "x").kvValue
        if case .object(var m) = bad { m[7] = .init("priority", .number(1e300)); bad = .object(m) }
        _ = try await h.kv.set(VLMKeys.byId(7), bad)
        _ = try await h.kv.set(VLMKeys.byId(8), .string("not a prompt"))
        _ = try await h.kv.set(VLMKeys.namespaceEntry("default", 8), .bool(true))

        let list = try await h.list("")
        #expect(list.status == 200, "\(list.text)")
        #expect(list.json?["items"]?.arrayValue?.map { $0["id"] } == [.number(Double(good))])
        #expect(try await h.get(7).status == 500)
        #expect(try await h.get(7).code == "corrupt_record")
        #expect(try await h.get(8).status == 500)
        // The unreadable counter is recovered from the highest readable id (8 is a key, so 9).
        let next = try await h.create(#"{"namespace":"default","name":"next","text":"t"}"#)
        #expect(next.status == 201, "\(next.text)")
        #expect(next.json?["id"] == 9)
        let backup = try await h.call(VLMAdminBackup.self, .post, "/admin/backup", admin: true)
        #expect(backup.status == 200)
        #expect(backup.json?["count"] == 2)
        // A corrupt record can be deleted, or replaced by a restore at its id.
        let del = try await h.call(VLMPromptByID.self, .delete, "/v1/prompts/7", params: ["id": "7"], admin: true)
        #expect(del.status == 200, "\(del.text)")
        #expect(try await h.get(7).status == 404)
        let r = try await restore(h, Self.restoreDoc(id: "8"))
        #expect(r.json?["restored"] == 1, "\(r.text)")
        #expect(try await h.get(8).json?["name"] == "n8")
        // Setting a default over a corrupt old default does not loop (it used to expect it gone: 503).
        _ = try await h.kv.set(VLMKeys.byId(20), .string("corrupt"))
        _ = try await h.kv.set(VLMKeys.defaultPointer("default", "en"), .number(20))
        #expect(try await h.setDefault(good).status == 200)
        #expect(try await h.kv.get(VLMKeys.byId(20)).value == .string("corrupt"), "left as it was")
    }

    @Test func corruptDefaultPointerAndBackupManifestAreNotTraps() async throws {
        let h = try VLMHarness()
        _ = try await h.kv.set(VLMKeys.defaultPointer("default", "en"), .number(-.infinity))
        #expect(try await h.call(VLMPromptDefault.self, .get, "/v1/prompts/default").status == 404)
        for parts in [KvValue.number(-1), .number(1e300), .number(.nan), .number(0.5), .string("3")] {
            _ = try await h.kv.set(["backups", "bad"], .object([.init("format", "chunked"), .init("parts", parts)]))
            let r = try await restore(h, #"{"key":"bad"}"#)
            #expect(r.status == 404, "\(parts): \(r.text)")
        }
    }

    @Test func corruptRateLimitCountFailsClosed() async throws {
        let h = try VLMHarness(["WRITE_RL_LIMIT": "5"])
        let window = VLMTime.nowMs() / 1000 / 60
        for w in [window, window + 1] {
            _ = try await h.kv.set(["rate_limit", "unknown:create", .number(Double(w))], .number(1e300))
        }
        let r = try await h.create(#"{"namespace":"d","name":"x","text":"t"}"#)
        #expect(r.status == 429, "\(r.text)")
    }

    @Test func hugeWindowAndNonceSettingsAreClamped() async throws {
        let h = try VLMHarness(["WRITE_RL_WINDOW_SEC": "9223372036854775807", "NONCE_TTL_SEC": "9223372036854775807",
                                "WRITE_RL_LIMIT": "5"])
        let r = try await h.create(#"{"namespace":"d","name":"x","text":"t"}"#, headers: ["x-nonce": "nonce-12345"])
        #expect(r.status == 201, "\(r.text)")
    }
}
