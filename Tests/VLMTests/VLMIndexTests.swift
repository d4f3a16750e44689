import EdgeRuntime
import Foundation
import KV
import Testing
@testable import Functions

/// The per-key indexes scale past the old 64 KiB arrays, and the old arrays are converted in place
/// (Decision 0012).
@Suite struct VLMIndexTests {
    static func input(_ name: String, ns: String, lang: String = "en", priority: Int = 0, active: Bool = true) -> VLMPromptInput.Create {
        VLMPromptInput.Create(namespace: ns, name: name, version: 1, lang: lang, text: "t", tags: [], priority: priority,
                              isActive: active, makeDefault: false)
    }

    /// 8,000 prompts: past the ~7,281 ids where the array-valued active index hit the value limit and
    /// every create in every namespace answered 413.
    @Test func eightThousandPromptsThenCreateAndListThroughTheRouter() async throws {
        let h = try VLMHarness()
        let store = VLMPromptStore(kv: h.kv)
        for i in 0..<8_000 {
            _ = try await store.create(Self.input("p\(i)", ns: i % 2 == 0 ? "bulk" : "other", priority: -(i % 7)), nonce: nil)
            // The in-memory KV never suspends: yield, or this loop holds a cooperative thread for seconds
            // and starves the timing-sensitive tests running beside it (the SSE keep-alive one).
            if i % 50 == 0 { await Task.yield() }
        }
        let created = try await h.create(#"{"namespace":"bulk","name":"after","text":"t","priority":-100}"#)
        #expect(created.status == 201, "\(created.text.prefix(300))")
        #expect(created.json?["id"] == 8_001)
        let list = try await h.list("namespace=bulk&limit=100")
        #expect(list.status == 200)
        let items = try #require(list.json?["items"]?.arrayValue)
        #expect(items.count == 100)
        #expect(items.first?["name"] == "after", "priority ascending")
        let all = try await store.list(namespace: "bulk", lang: nil, active: nil)
        #expect(all.count == 4_001)
        #expect(all == all.sorted(by: VLMPromptStore.order))
        #expect(try await h.ids(VLMKeys.activeIndex).count == 8_001)
        #expect(try await store.list(namespace: "other", lang: "en", active: true).count == 4_000)
    }

    /// Writes the seed's layout by hand: records, secondary keys, arrays, counter.
    static func seedLegacy(_ kv: Kv, _ prompts: [VLMPrompt], extraIds: [KvValue] = []) async throws {
        for p in prompts {
            _ = try await kv.atomic().set(VLMKeys.byId(p.id), p.kvValue).set(VLMKeys.secondary(p), p.kvValue).commit()
            if p.id % 50 == 0 { await Task.yield() }
        }
        func ids(_ ps: [VLMPrompt]) -> KvValue { .array(ps.map { .number(Double($0.id)) }) }
        var arrays: [KvKey: KvValue] = [VLMKeys.legacyActiveIndex: ids(prompts.filter(\.isActive))]
        for ns in Set(prompts.map(\.namespace)) {
            let inNs = prompts.filter { $0.namespace == ns }
            arrays[VLMKeys.legacyNamespaceIndex(ns)] = ids(inNs)
            for lang in Set(inNs.map(\.lang)) { arrays[VLMKeys.legacyLangIndex(ns, lang)] = ids(inNs.filter { $0.lang == lang }) }
        }
        if case .array(let a)? = arrays[VLMKeys.legacyNamespaceIndex("default")] {
            arrays[VLMKeys.legacyNamespaceIndex("default")] = .array(a + extraIds)
        }
        for (k, v) in arrays { _ = try await kv.set(k, v) }
        _ = try await kv.set(VLMKeys.counter, .number(Double(prompts.map(\.id).max() ?? 0)))
    }

    static func prompt(_ id: Int, _ name: String, ns: String = "default", lang: String = "en", priority: Int = 0,
                       version: Int = 1, active: Bool = true) -> VLMPrompt {
        VLMPrompt(id: id, namespace: ns, name: name, version: version, lang: lang, text: "t\(id)", tags: [], priority: priority,
                  isActive: active, isDefault: false, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z")
    }

    @Test func oldArrayIndexesAreConvertedOnFirstUse() async throws {
        let h = try VLMHarness()
        try await Self.seedLegacy(h.kv, [
            Self.prompt(1, "beta", priority: 1), Self.prompt(2, "alpha", priority: 1), Self.prompt(3, "alpha", priority: 1, version: 2),
            Self.prompt(4, "Zeta"), Self.prompt(5, "ru", lang: "ru", priority: 5), Self.prompt(6, "off", priority: 9, active: false),
            Self.prompt(7, "elsewhere", ns: "other"),
        ], extraIds: [.number(9.223372036854775e18), .number(2.5), .string("x"), .number(1)])
        #expect(try await h.kv.get(VLMKeys.indexLayout).versionstamp == nil)
        func names(_ q: String) async throws -> [String] {
            try await h.list(q).json?["items"]?.arrayValue?.map { "\($0["name"]!.stringValue!)@\($0["version"]!.intValue!)" } ?? []
        }
        // The same order and filters as before the upgrade (VLMPromptTests.listFiltersSortAndLimit).
        #expect(try await names("") == ["Zeta@1", "alpha@2", "alpha@1", "beta@1", "ru@1", "off@1"])
        #expect(try await names("namespace=default&lang=ru") == ["ru@1"])
        #expect(try await names("active=1") == ["Zeta@1", "alpha@2", "alpha@1", "beta@1", "ru@1"])
        #expect(try await names("active=0") == ["off@1"])
        #expect(try await names("namespace=other") == ["elsewhere@1"])
        // Old values removed, per-key entries there, marker set; bad ids dropped.
        #expect(try await h.keys(VLMKeys.legacyIndexRoot).isEmpty)
        #expect(try await h.kv.get(VLMKeys.indexLayout).value == VLMKeys.indexLayoutVersion)
        #expect(try await h.ids(VLMKeys.namespaceIndex("default")) == [1, 2, 3, 4, 5, 6])
        #expect(try await h.ids(VLMKeys.langIndex("default", "ru")) == [5])
        #expect(try await h.ids(VLMKeys.activeIndex) == [1, 2, 3, 4, 5, 7])
        // Writes go on from there: ids continue, moves and deletes keep the entries right.
        #expect(try await h.create(name: "new") == 8)
        let moved = try await h.call(VLMPromptByID.self, .put, "/v1/prompts/1", json: #"{"namespace":"other","is_active":false}"#, params: ["id": "1"], admin: true)
        #expect(moved.status == 200)
        #expect(try await h.ids(VLMKeys.namespaceIndex("other")) == [1, 7])
        #expect(try await h.ids(VLMKeys.activeIndex) == [2, 3, 4, 5, 7, 8])
        #expect(try await h.call(VLMPromptByID.self, .delete, "/v1/prompts/2", params: ["id": "2"], admin: true).status == 200)
        #expect(try await names("") == ["new@1", "Zeta@1", "alpha@2", "ru@1", "off@1"])
        // Idempotent: running again finds nothing to do.
        #expect(try await VLMIndexMigration.run(h.kv, logger: nil) == 0)
    }

    /// Two processes converting the same arrays at once (two runs on one database, each with its own
    /// memo-free path): both finish, every entry exists once, every array is gone.
    @Test func twoConcurrentMigrationsAgree() async throws {
        let h = try VLMHarness()
        let prompts = (1...3_000).map { Self.prompt($0, "p\($0)", lang: $0 % 2 == 0 ? "en" : "ru") }
        try await Self.seedLegacy(h.kv, prompts)
        async let a = VLMIndexMigration.run(h.kv, logger: nil)
        async let b = VLMIndexMigration.run(h.kv, logger: nil)
        let (ra, rb) = try await (a, b)
        #expect(ra + rb >= 4, "every array was converted by one of them (\(ra) + \(rb))")
        #expect(try await h.keys(VLMKeys.legacyIndexRoot).isEmpty)
        #expect(try await h.ids(VLMKeys.namespaceIndex("default")) == Array(1...3_000))
        #expect(try await h.ids(VLMKeys.langIndex("default", "ru")).count == 1_500)
        #expect(try await h.ids(VLMKeys.activeIndex).count == 3_000)
        #expect(try await h.list("limit=100").json?["items"]?.arrayValue?.count == 100)
    }

    /// Requests racing the first use: none of them sees a half-converted index.
    @Test func concurrentFirstListsSeeTheWholeIndex() async throws {
        let h = try VLMHarness()
        try await Self.seedLegacy(h.kv, (1...2_000).map { Self.prompt($0, "p\($0)", priority: $0 == 2_000 ? -1 : 0) })
        let store = VLMPromptStore(kv: h.kv)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await store.list(namespace: "default", lang: nil, active: nil).count } }
            for try await n in group { #expect(n == 2_000) }
        }
    }
}
