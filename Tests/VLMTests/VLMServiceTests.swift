import EdgeRuntime
import Foundation
import KV
import Testing
@testable import Functions

@Suite struct VLMServiceTests {
    @Test func aboutAndRegexConfig() async throws {
        let h = try VLMHarness()
        let about = try await h.call(VLMAbout.self, .get, "/about")
        #expect(about.status == 200)
        #expect(about.json?["name"] == "vlm-api-deno")
        #expect(about.json?["version"] == "1.0.0")
        #expect(about.json?["environment"] == "dev")
        #expect(about.json?["routes"]?.arrayValue?.count == 10)
        #expect(about.json?["routes"]?.arrayValue?.first == "GET /healthz")
        #expect(about.json?["config"]?["regex_cleanup"] == ["pattern": "^(?:System|Meta|Debug).*$", "flags": "gmi", "source": "default"])

        #expect(try await h.call(VLMAdminRegex.self, .put, "/admin/config/regex", json: #"{"pattern":"x"}"#).status == 401)
        let bad = try await h.call(VLMAdminRegex.self, .put, "/admin/config/regex", json: #"{"pattern":"(unclosed"}"#, admin: true)
        #expect(bad.status == 400)
        #expect(bad.error == "Invalid regex")
        #expect(try await h.call(VLMAdminRegex.self, .put, "/admin/config/regex", json: #"{"pattern":"a","flags":"gg"}"#, admin: true).status == 400)
        #expect(try await h.call(VLMAdminRegex.self, .put, "/admin/config/regex", json: #"{"pattern":5}"#, admin: true).error == "Invalid field: pattern")
        #expect(try await h.call(VLMAdminRegex.self, .put, "/admin/config/regex", json: #"{"#, admin: true).error == "Invalid JSON")
        #expect(try await h.keys(["config"]).isEmpty)

        let put = try await h.call(VLMAdminRegex.self, .put, "/admin/config/regex", json: #"{"pattern":"^(?:Note):.*$","flags":"gi"}"#, admin: true)
        #expect(put.status == 200)
        let after = try await h.call(VLMAbout.self, .get, "/about")
        #expect(after.json?["config"]?["regex_cleanup"] == ["pattern": "^(?:Note):.*$", "flags": "gi", "source": "kv"])
        #expect(try await h.kv.get(["config", "regex_pattern"]).value == .string("^(?:Note):.*$"))

        let del = try await h.call(VLMAdminRegex.self, .delete, "/admin/config/regex", admin: true)
        #expect(del.status == 200)
        #expect(try await h.call(VLMAbout.self, .get, "/about").json?["config"]?["regex_cleanup"]?["source"] == "default")

        // A bad stored value never breaks /about.
        try await h.kv.set(["config", "regex_pattern"], .number(5))
        VLMRegexConfig.invalidate(h.kv)
        let odd = try await h.call(VLMAbout.self, .get, "/about")
        #expect(odd.status == 200)
        #expect(odd.json?["config"]?["regex_cleanup"]?["source"] == "default")

        let prod = try VLMHarness(["DENO_DEPLOYMENT_ID": "abc"])
        #expect(try await prod.call(VLMAbout.self, .get, "/about").json?["environment"] == "production")
    }

    @Test func manualBackupDownload() async throws {
        let h = try VLMHarness()
        _ = try await h.create(name: "a", text: "Привет")
        _ = try await h.create(name: "b")
        let r = try await h.call(VLMAdminBackup.self, .post, "/admin/backup", admin: true)
        #expect(r.status == 200)
        #expect(r.header("content-type") == "application/json")
        let cd = try #require(r.header("content-disposition"))
        #expect(cd.hasPrefix("attachment; filename=\"backup-") && cd.hasSuffix(".json\""))
        #expect(r.text.hasPrefix("{\n  \"exported_at\": \""), "2-space pretty print")
        #expect(r.json?["count"] == 2)
        #expect(r.json?["prompts"]?.arrayValue?.map { $0["name"] } == ["a", "b"])
        #expect(r.json?["prompts"]?.arrayValue?.first?["text"] == "Привет")
        #expect(try await h.call(VLMAdminBackup.self, .post, "/admin/backup").status == 401)
        // A namespace called "by_id" does not leak secondary keys into the export.
        _ = try await h.create(name: "c", ns: "by_id")
        #expect(try await h.call(VLMAdminBackup.self, .post, "/admin/backup", admin: true).json?["count"] == 3)
    }

    @Test func cronBackupStoresInKV() async throws {
        let h = try VLMHarness(["CRON_SECRET": "cron-secret"])
        _ = try await h.create(name: "a")
        #expect(try await h.call(VLMCronBackup.self, .get, "/admin/cron/backup").status == 401)
        #expect(try await h.call(VLMCronBackup.self, .get, "/admin/cron/backup", headers: ["authorization": "Bearer wrong"]).status == 401)
        #expect(try await h.keys(["backups"]).isEmpty)

        let r = try await h.call(VLMCronBackup.self, .get, "/admin/cron/backup", headers: ["user-agent": "vercel-cron/1.0"], isCron: true)
        #expect(r.status == 200)
        #expect(r.json?["count"] == 1)
        let keys = try await h.keys(["backups"])
        #expect(keys.count == 1)
        let text = try #require(try await VLMBackup.load(keys[0], kv: h.kv))
        let doc = try JSON.decode(JSONValue.self, from: Array(text.utf8))
        #expect(doc["count"] == 1)
        #expect(doc["prompts"]?.arrayValue?.first?["name"] == "a")
        // One run per slot for scheduler invocations.
        let again = try await h.call(VLMCronBackup.self, .get, "/admin/cron/backup", isCron: true)
        #expect(again.json?["skipped"] == true)
        // Manual triggers with CRON_SECRET or the admin token always run.
        try await Task.sleep(for: .milliseconds(2))
        #expect(try await h.call(VLMCronBackup.self, .get, "/admin/cron/backup", headers: ["authorization": "Bearer cron-secret"]).status == 200)
        try await Task.sleep(for: .milliseconds(2))
        #expect(try await h.call(VLMCronBackup.self, .get, "/admin/cron/backup", admin: true).status == 200)
        #expect(try await h.keys(["backups"]).count == 3)
    }

    @Test func largeBackupIsChunked() async throws {
        let h = try VLMHarness()
        for i in 0..<8 { _ = try await h.create(name: "big\(i)", text: String(repeating: "ж", count: 10_000)) }
        let export = try await VLMBackup.export(h.kv)
        #expect(export.bytes.count > 160_000)
        let stored = try await VLMBackup.store(export, kv: h.kv)
        #expect(stored.parts > 1)
        let text = try #require(try await VLMBackup.load(stored.key, kv: h.kv))
        #expect(Array(text.utf8) == export.bytes)
        #expect(try await h.kv.get(stored.key).value?[member: "format"] == .string("chunked"))
    }

    @Test func isoTime() {
        #expect(VLMTime.iso(0) == "1970-01-01T00:00:00.000Z")
        #expect(VLMTime.iso(1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(VLMTime.iso(951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }

    @Test func prettyJSONMatchesJavaScript() {
        let v: JSONValue = .object(["a": .number(Double(1)), "b": .array([]), "c": .array([.string("x\n"), .object([:])]), "d": .object(["e": .null])])
        #expect(String(decoding: v.serialized(pretty: true), as: UTF8.self) == "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": [\n    \"x\\n\",\n    {}\n  ],\n  \"d\": {\n    \"e\": null\n  }\n}")
        #expect(String(decoding: v.serialized, as: UTF8.self) == #"{"a":1,"b":[],"c":["x\n",{}],"d":{"e":null}}"#)
    }
}

@Suite struct VLMRestoreTests {
    @Test func restoreRoundTrip() async throws {
        let h = try VLMHarness()
        let a = try await h.create(name: "a", lang: "ru", text: "Текст")
        _ = try await h.create(name: "b")
        _ = try await h.setDefault(a)
        let backup = try await h.call(VLMAdminBackup.self, .post, "/admin/backup", admin: true)
        #expect(backup.status == 200)

        let fresh = try VLMHarness()
        #expect(try await fresh.call(VLMAdminRestore.self, .post, "/admin/restore", body: backup.body).status == 401)
        #expect(try await fresh.call(VLMAdminRestore.self, .post, "/admin/restore", json: #"{"prompts":[{"id":1}]}"#, admin: true).status == 400)
        #expect(try await fresh.allKeys().isEmpty)
        let r = try await fresh.call(VLMAdminRestore.self, .post, "/admin/restore", body: backup.body, admin: true)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json?["restored"] == 2)
        #expect(try await fresh.get(a).json?["text"] == "Текст")
        #expect(try await fresh.call(VLMPromptDefault.self, .get, "/v1/prompts/default", query: "lang=ru").json?["id"] == .number(Double(a)))
        #expect(try await fresh.list("").json?["items"]?.arrayValue?.count == 2)
        #expect(try await fresh.create(name: "c") == 3, "the counter continues after the restored ids")
        // Restoring again replaces the same ids; a clashing (namespace, name, version) is reported.
        _ = try await fresh.call(VLMPromptByID.self, .delete, "/v1/prompts/2", params: ["id": "2"], admin: true)
        _ = try await fresh.create(#"{"namespace":"default","name":"b","text":"clash"}"#)
        let again = try await fresh.call(VLMAdminRestore.self, .post, "/admin/restore", body: backup.body, admin: true)
        #expect(again.json?["restored"] == 1)
        #expect(again.json?["conflicts"]?.arrayValue?.count == 1)
        // From the cron's KV copy.
        let cron = try await h.call(VLMCronBackup.self, .get, "/admin/cron/backup", isCron: true)
        let key = try #require(cron.json?["exported_at"]?.stringValue)
        let fromKV = try await h.call(VLMAdminRestore.self, .post, "/admin/restore", json: #"{"key":"\#(key)"}"#, admin: true)
        #expect(fromKV.json?["restored"] == 2, "\(fromKV.text)")
        #expect(try await h.call(VLMAdminRestore.self, .post, "/admin/restore", json: #"{"key":"nope"}"#, admin: true).status == 404)
    }
}
