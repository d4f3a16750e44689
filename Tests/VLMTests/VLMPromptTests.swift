import EdgeRuntime
import Foundation
import KV
import Testing
@testable import Functions

@Suite struct VLMPromptTests {
    /// The seed's stage-2 curl steps.
    @Test func seedStage2Flow() async throws {
        let h = try VLMHarness()
        let created = try await h.create(#"{"namespace":"default","name":"test_prompt","version":1,"lang":"ru","text":"Тестовый промпт","tags":["test"],"priority":10,"is_active":true}"#)
        #expect(created.status == 201)
        let p = try #require(created.json)
        #expect(p["id"] == 1)
        #expect(p["text"] == "Тестовый промпт")
        #expect(p["tags"] == ["test"])
        #expect(p["is_default"] == false)
        #expect(p["created_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(created.text.hasPrefix(#"{"id":1,"namespace":"default","name":"test_prompt""#), "seed key order")

        let list = try await h.list("namespace=default&lang=ru")
        #expect(list.status == 200)
        #expect(list.json?["items"]?.arrayValue?.count == 1)

        #expect(try await h.get(1).json?["name"] == "test_prompt")

        // PUT without Content-Type (curl -d sends x-www-form-urlencoded): parsed as JSON anyway.
        let upd = try await h.call(VLMPromptByID.self, .put, "/v1/prompts/1",
                                   headers: ["content-type": "application/x-www-form-urlencoded"],
                                   json: #"{"text":"Обновлённый текст"}"#, params: ["id": "1"], admin: true)
        #expect(upd.status == 200)
        #expect(upd.json?["text"] == "Обновлённый текст")
        #expect(upd.json?["created_at"] == p["created_at"])

        let sd = try await h.setDefault(1)
        #expect(sd.status == 200)
        #expect(sd.json == ["success": true])

        let def = try await h.call(VLMPromptDefault.self, .get, "/v1/prompts/default", query: "namespace=default&lang=ru")
        #expect(def.status == 200)
        #expect(def.json?["id"] == 1)
        #expect(def.json?["is_default"] == true)
    }

    @Test func createDefaultsAndSequentialIds() async throws {
        let h = try VLMHarness()
        let r = try await h.create(#"{"namespace":"ns","name":"a","text":"t"}"#)
        #expect(r.status == 201)
        #expect(r.json?["version"] == 1)
        #expect(r.json?["lang"] == "en")
        #expect(r.json?["tags"] == [])
        #expect(r.json?["priority"] == 0)
        #expect(r.json?["is_active"] == true)
        #expect(r.json?["is_default"] == false)
        #expect(try await h.create(name: "b", ns: "ns") == 2)
        #expect(try await h.kv.get(VLMKeys.counter).value == .number(2))
        #expect(try await h.ids(VLMKeys.namespaceIndex("ns")) == [1, 2])
        #expect(try await h.ids(VLMKeys.langIndex("ns", "en")) == [1, 2])
        #expect(try await h.ids(VLMKeys.activeIndex) == [1, 2])
        #expect(try await h.kv.get(VLMKeys.secondary("ns", "a", 1)).versionstamp != nil)
    }

    @Test(arguments: [
        (#"{"namespace":"default","name":"x","text":"t""#, 400, "Invalid JSON"),
        ("", 400, "Invalid JSON"),
        ("[1,2]", 400, "Invalid JSON"),
        (#"{"name":"x","text":"t"}"#, 400, "Missing required fields"),
        (#"{"namespace":"","name":"x","text":"t"}"#, 400, "Missing required fields"),
        (#"{"namespace":"d","name":"x"}"#, 400, "Missing required fields"),
        (#"{"namespace":"d","name":null,"text":"t"}"#, 400, "Missing required fields"),
        (#"{"namespace":5,"name":"x","text":"t"}"#, 400, "Invalid field: namespace"),
        (#"{"namespace":"d","name":["x"],"text":"t"}"#, 400, "Invalid field: name"),
        (#"{"namespace":"d","name":"x","text":{"a":1}}"#, 400, "Invalid field: text"),
        (#"{"namespace":"d","name":"x","text":"t","version":"1"}"#, 400, "Invalid field: version"),
        (#"{"namespace":"d","name":"x","text":"t","version":0}"#, 400, "Invalid field: version"),
        (#"{"namespace":"d","name":"x","text":"t","version":1.5}"#, 400, "Invalid field: version"),
        (#"{"namespace":"d","name":"x","text":"t","priority":"high"}"#, 400, "Invalid field: priority"),
        (#"{"namespace":"d","name":"x","text":"t","tags":"a"}"#, 400, "Invalid field: tags"),
        (#"{"namespace":"d","name":"x","text":"t","tags":[1]}"#, 400, "Invalid field: tags"),
        (#"{"namespace":"d","name":"x","text":"t","is_active":"yes"}"#, 400, "Invalid field: is_active"),
        (#"{"namespace":"d","name":"x","text":"t","is_active":2}"#, 400, "Invalid field: is_active"),
        (#"{"namespace":"d","name":"x","text":"t","make_default":"yes"}"#, 400, "Invalid field: make_default"),
        (#"{"namespace":"d","name":"x","text":"t","lang":7}"#, 400, "Invalid field: lang"),
        (#"{"namespace":"active","name":"x","text":"t"}"#, 400, "Invalid field: namespace"),
    ] as [(String, Int, String)])
    func createBadInputWritesNothing(body: String, status: Int, error: String) async throws {
        let h = try VLMHarness()
        let r = try await h.create(body)
        #expect(r.status == status, "\(body) -> \(r.text)")
        #expect(r.error == error, "\(body) -> \(r.text)")
        #expect(r.json?["requestId"]?.stringValue?.isEmpty == false)
        #expect(r.json?["code"] != nil)
        #expect(r.json?["details"]?.objectValue != nil)
        #expect(try await h.allKeys().isEmpty, "nothing written for \(body)")
    }

    @Test func oversizeFieldsAre413AndWriteNothing() async throws {
        let h = try VLMHarness()
        let longText = String(repeating: "я", count: 20_001)
        var r = try await h.create(#"{"namespace":"d","name":"x","text":"\#(longText)"}"#)
        #expect(r.status == 413)
        #expect(r.error == "Field too long: text")
        r = try await h.create(#"{"namespace":"d","name":"\#(String(repeating: "n", count: 129))","text":"t"}"#)
        #expect(r.status == 413)
        // Within the field limits but past the 64 KiB KV value limit: 413, not 500, nothing written.
        let tags = (0..<10).map { "\"\(String(repeating: "t", count: 1000))\($0)\"" }.joined(separator: ",")
        r = try await h.create(#"{"namespace":"d","name":"x","text":"\#(String(repeating: "中", count: 20_000))","tags":[\#(tags)]}"#)
        #expect(r.status == 413, "\(r.text.prefix(200))")
        #expect(r.error == "Prompt too large")
        #expect(try await h.allKeys().isEmpty)
    }

    @Test func tenThousandRussianCharacters() async throws {
        let h = try VLMHarness()
        let text = String(repeating: "Привет, мир! ", count: 800).prefix(10_000)
        #expect(text.count == 10_000)
        let r = try await h.create(#"{"namespace":"default","name":"big","lang":"ru","text":"\#(text)"}"#)
        #expect(r.status == 201)
        let g = try await h.get(1)
        #expect(g.json?["text"]?.stringValue == String(text))
        let upd = try await h.call(VLMPromptByID.self, .put, "/v1/prompts/1", json: #"{"text":"\#(String(repeating: "ж", count: 20_000))"}"#, params: ["id": "1"], admin: true)
        #expect(upd.status == 200)
    }

    @Test func duplicateIs409AndWritesNothing() async throws {
        let h = try VLMHarness()
        _ = try await h.create(name: "dup")
        let before = try await h.kv.get(VLMKeys.counter)
        let r = try await h.create(#"{"namespace":"default","name":"dup","version":1,"text":"other"}"#)
        #expect(r.status == 409)
        #expect(r.error == "Prompt already exists")
        #expect(r.code == "duplicate_prompt")
        #expect(r.json?["details"]?["id"] == 1)
        #expect(try await h.kv.get(VLMKeys.counter).versionstamp == before.versionstamp)
        #expect(try await h.keys(VLMKeys.byIdPrefix).count == 1)
        // Another version is fine.
        #expect(try await h.create(name: "dup", version: 2) == 2)
    }

    @Test func getByIdErrorsAndCache() async throws {
        let h = try VLMHarness()
        for raw in ["abc", "0", "-1", "1.5", "12abc", "9007199254740993"] {
            let r = try await h.call(VLMPromptByID.self, .get, "/v1/prompts/\(raw)", params: ["id": raw])
            #expect(r.status == 404, "\(raw)")
            #expect(r.error == "Not found")
        }
        #expect(try await h.get(99).status == 404)
        _ = try await h.create(name: "c")
        let first = try await h.get(1)
        #expect(first.header("x-cache") == "MISS")
        let second = try await h.get(1)
        #expect(second.header("x-cache") == "HIT")
        #expect(first.body == second.body)
        _ = try await h.call(VLMPromptByID.self, .put, "/v1/prompts/1", json: #"{"priority":5}"#, params: ["id": "1"], admin: true)
        let third = try await h.get(1)
        #expect(third.header("x-cache") == "MISS", "a write invalidates")
        #expect(third.json?["priority"] == 5)
        // Lists: MISS, HIT, invalidated by create, set-default and delete.
        #expect(try await h.list("namespace=default").header("x-cache") == "MISS")
        #expect(try await h.list("namespace=default").header("x-cache") == "HIT")
        _ = try await h.create(name: "d")
        let l = try await h.list("namespace=default")
        #expect(l.header("x-cache") == "MISS")
        #expect(l.json?["items"]?.arrayValue?.count == 2)
        _ = try await h.list("namespace=default")
        _ = try await h.setDefault(2)
        let l2 = try await h.list("namespace=default")
        #expect(l2.header("x-cache") == "MISS")
        #expect(l2.json?["items"]?.arrayValue?.first(where: { $0["id"] == 2 })?["is_default"] == true)
        #expect(try await h.get(2).json?["is_default"] == true)
    }

    @Test func cacheSeesWritesFromAnotherProcess() async throws {
        let h = try VLMHarness()
        _ = try await h.create(name: "c")
        _ = try await h.get(1)
        #expect(try await h.get(1).header("x-cache") == "HIT")
        // A write that bypasses this process's cache (another process) bumps the generation key.
        let store = VLMPromptStore(kv: h.kv)
        _ = try await store.update(id: 1, patch: .init(text: "from elsewhere"), nonce: nil)
        let r = try await h.get(1)
        #expect(r.header("x-cache") == "MISS")
        #expect(r.json?["text"] == "from elsewhere")
    }

    @Test func updateRulesAndErrors() async throws {
        let h = try VLMHarness()
        _ = try await h.create(name: "a", lang: "en")
        _ = try await h.create(name: "b", lang: "en")
        func put(_ id: String, _ json: String) async throws -> VLMTestResponse {
            try await h.call(VLMPromptByID.self, .put, "/v1/prompts/\(id)", json: json, params: ["id": id], admin: true)
        }
        #expect(try await put("99", "{}").status == 404)
        #expect(try await put("x", "{}").status == 404)
        #expect(try await put("1", "{").error == "Invalid JSON")
        #expect(try await put("1", #"{"version":"2"}"#).error == "Invalid field: version")
        #expect(try await put("1", #"{"text":""}"#).error == "Invalid field: text")
        #expect(try await put("1", #"{"tags":[true]}"#).error == "Invalid field: tags")
        #expect(try await put("1", #"{"namespace":null}"#).error == "Invalid field: namespace")
        let unauth = try await h.call(VLMPromptByID.self, .put, "/v1/prompts/1", json: "{}", params: ["id": "1"])
        #expect(unauth.status == 401)
        #expect(unauth.error == "Unauthorized")
        // Moving onto another prompt's (namespace, name, version) is a conflict.
        let clash = try await put("1", #"{"name":"b"}"#)
        #expect(clash.status == 409)
        #expect(clash.json?["details"]?["id"] == 2)
        // {} only bumps updated_at; id/created_at/is_default in the body are ignored.
        let before = try await h.get(1).json!
        try await Task.sleep(for: .milliseconds(5))
        let noop = try await put("1", #"{"id":7,"created_at":"x","is_default":true}"#)
        #expect(noop.status == 200)
        #expect(noop.json?["id"] == 1)
        #expect(noop.json?["is_default"] == false)
        #expect(noop.json?["created_at"] == before["created_at"])
        #expect(noop.json?["updated_at"] != before["updated_at"])
        // Moving namespace and lang moves secondary and index entries.
        let moved = try await put("1", #"{"namespace":"other","lang":"ru","version":3,"is_active":false}"#)
        #expect(moved.status == 200)
        #expect(try await h.kv.get(VLMKeys.secondary("default", "a", 1)).versionstamp == nil)
        #expect(try await h.kv.get(VLMKeys.secondary("other", "a", 3)).versionstamp != nil)
        #expect(try await h.ids(VLMKeys.namespaceIndex("default")) == [2])
        #expect(try await h.ids(VLMKeys.namespaceIndex("other")) == [1])
        #expect(try await h.ids(VLMKeys.langIndex("default", "en")) == [2])
        #expect(try await h.ids(VLMKeys.langIndex("other", "ru")) == [1])
        #expect(try await h.ids(VLMKeys.activeIndex) == [2])
        #expect(try await h.list("namespace=other").json?["items"]?.arrayValue?.count == 1)
    }

    @Test func setDefaultRules() async throws {
        let h = try VLMHarness()
        let a = try await h.create(name: "a", lang: "ru")
        let b = try await h.create(name: "b", lang: "ru")
        let inactive = try await h.create(name: "c", lang: "ru", active: false)
        #expect(try await h.setDefault(inactive).error == "Failed to set default")
        #expect(try await h.setDefault(99).status == 400)
        let bad = try await h.call(VLMPromptSetDefault.self, .put, "/v1/prompts/x/default", params: ["id": "x"], admin: true)
        #expect(bad.status == 400)
        #expect(try await h.call(VLMPromptDefault.self, .get, "/v1/prompts/default", query: "lang=ru").error == "No default prompt")
        #expect(try await h.setDefault(a).status == 200)
        #expect(try await h.setDefault(b).status == 200)
        #expect(try await h.get(a).json?["is_default"] == false)
        #expect(try await h.get(b).json?["is_default"] == true)
        #expect(try await h.call(VLMPromptDefault.self, .get, "/v1/prompts/default", query: "lang=ru").json?["id"] == .number(Double(b)))
        // Default namespace/lang are "default"/"en".
        #expect(try await h.call(VLMPromptDefault.self, .get, "/v1/prompts/default").status == 404)
        // A default that becomes inactive stops being the default.
        _ = try await h.call(VLMPromptByID.self, .put, "/v1/prompts/\(b)", json: #"{"is_active":false}"#, params: ["id": String(b)], admin: true)
        #expect(try await h.call(VLMPromptDefault.self, .get, "/v1/prompts/default", query: "lang=ru").status == 404)
        // make_default on create.
        let c = try await h.create(#"{"namespace":"default","name":"d","lang":"ru","text":"t","make_default":true}"#)
        #expect(c.status == 201)
        #expect(c.json?["is_default"] == true)
        #expect(try await h.call(VLMPromptDefault.self, .get, "/v1/prompts/default", query: "lang=ru").json?["id"] == c.json?["id"])
    }

    @Test func deleteRemovesEverything() async throws {
        let h = try VLMHarness()
        let id = try await h.create(name: "gone", lang: "ru")
        _ = try await h.setDefault(id)
        let r = try await h.call(VLMPromptByID.self, .delete, "/v1/prompts/\(id)", params: ["id": String(id)], admin: true)
        #expect(r.status == 200)
        #expect(r.json == ["success": true])
        #expect(try await h.keys(["prompts"]).isEmpty)
        #expect(try await h.keys(["prompts_default"]).isEmpty)
        #expect(try await h.ids(VLMKeys.namespaceIndex("default")).isEmpty)
        #expect(try await h.ids(VLMKeys.activeIndex).isEmpty)
        #expect(try await h.get(id).status == 404)
        let again = try await h.call(VLMPromptByID.self, .delete, "/v1/prompts/\(id)", params: ["id": String(id)], admin: true)
        #expect(again.status == 404)
        #expect(try await h.call(VLMPromptByID.self, .delete, "/v1/prompts/\(id)", params: ["id": String(id)]).status == 401)
    }

    @Test func listFiltersSortAndLimit() async throws {
        let h = try VLMHarness()
        _ = try await h.create(name: "beta", priority: 1)
        _ = try await h.create(name: "alpha", version: 1, priority: 1)
        _ = try await h.create(name: "alpha", version: 2, priority: 1)
        _ = try await h.create(name: "Zeta", priority: 0)
        _ = try await h.create(name: "ru", lang: "ru", priority: 5)
        _ = try await h.create(name: "off", priority: 9, active: false)
        _ = try await h.create(name: "elsewhere", ns: "other")
        func names(_ q: String) async throws -> [String] {
            try await h.list(q).json?["items"]?.arrayValue?.map { "\($0["name"]!.stringValue!)@\($0["version"]!.intValue!)" } ?? []
        }
        #expect(try await names("") == ["Zeta@1", "alpha@2", "alpha@1", "beta@1", "ru@1", "off@1"])
        #expect(try await names("namespace=default&lang=ru") == ["ru@1"])
        #expect(try await names("active=1") == ["Zeta@1", "alpha@2", "alpha@1", "beta@1", "ru@1"])
        #expect(try await names("active=0") == ["off@1"])
        #expect(try await names("active=") .count == 6)
        #expect(try await names("limit=2") == ["Zeta@1", "alpha@2"], "sort first, then cut")
        #expect(try await names("limit=abc").count == 6)
        #expect(try await names("limit=0").count == 6)
        #expect(try await names("namespace=other") == ["elsewhere@1"])
        #expect(try await names("namespace=none").isEmpty)
        for i in 0..<105 { _ = try await h.create(name: "bulk\(i)", ns: "bulk") }
        #expect(try await names("namespace=bulk&limit=500").count == 100)
        #expect(try await names("namespace=bulk").count == 50)
    }

    @Test func readAuthWhenRequired() async throws {
        let h = try VLMHarness(["REQUIRE_READ_AUTH": "1", "READ_BEARER_TOKEN": "reader"])
        _ = try await h.create(name: "a")
        #expect(try await h.list("").status == 401)
        let ok = try await h.call(VLMPrompts.self, .get, "/v1/prompts", headers: ["authorization": "Bearer reader"])
        #expect(ok.status == 200)
        let bad = try await h.call(VLMPromptByID.self, .get, "/v1/prompts/1", headers: ["authorization": "Bearer nope"], params: ["id": "1"])
        #expect(bad.status == 401)
        let h2 = try VLMHarness(["REQUIRE_READ_AUTH": "1"])
        #expect(try await h2.call(VLMPrompts.self, .get, "/v1/prompts", headers: ["authorization": "Bearer "]).status == 401, "fail closed")
    }
}
