import EdgeRuntime
import EdgeTesting
import KV
import Testing
@testable import Functions

/// The VLM app through the router (`TestClient`) on an in-memory KV, plus shortcuts for its routes.
final class VLMHarness: @unchecked Sendable {
    static let admin = "test-admin-token"
    let kv = Kv(store: MemoryKvStore())
    var env: [String: String]

    init(_ extra: [String: String] = [:]) throws {
        env = ["ADMIN_TOKEN": Self.admin, "WRITE_RL_LIMIT": "100000", "VISION_RL_LIMIT": "100000"]
        for (k, v) in extra { env[k] = v }
    }

    deinit {
        VLMCache.shared.clear(kv)
        VLMRegexConfig.invalidate(kv)
        kv.close()
    }

    /// A client through the real router and the VLM app's policy, with the harness's current env.
    func client() throws -> TestClient {
        try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps, env: env, kv: kv)
    }

    /// Sends a request through the router (the handler type documents which route is meant). The client
    /// address is left unset, so `x-forwarded-for` stands in for it.
    func call<F: EdgeFunction>(
        _ type: F.Type, _ method: HTTPRequest.Method, _ path: String, query: String? = nil,
        headers: [String: String] = [:], body: [UInt8] = [], params: [String: String] = [:],
        admin: Bool = false, isCron: Bool = false
    ) async throws -> TestResponse {
        var h = headers
        if admin { h["x-admin-token"] = Self.admin }
        let client = try client()
        if isCron { return await client.cron(path) }
        return await client.send(method, path + (query.map { "?" + $0 } ?? ""), headers: h, body: body, clientAddress: nil)
    }

    func call<F: EdgeFunction>(
        _ type: F.Type, _ method: HTTPRequest.Method, _ path: String, query: String? = nil,
        headers: [String: String] = [:], json: String, params: [String: String] = [:], admin: Bool = false
    ) async throws -> TestResponse {
        try await call(type, method, path, query: query, headers: headers, body: Array(json.utf8), params: params, admin: admin)
    }

    // MARK: shortcuts

    func create(_ json: String, headers: [String: String] = [:]) async throws -> VLMTestResponse {
        try await call(VLMPrompts.self, .post, "/v1/prompts", headers: headers, json: json, admin: true)
    }

    func create(name: String, ns: String = "default", lang: String = "en", version: Int = 1, priority: Int = 0,
                active: Bool = true, text: String = "text") async throws -> Int {
        let r = try await create(#"{"namespace":"\#(ns)","name":"\#(name)","version":\#(version),"lang":"\#(lang)","text":"\#(text)","priority":\#(priority),"is_active":\#(active)}"#)
        #expect(r.status == 201, "\(r.text)")
        return r.json?["id"]?.intValue ?? -1
    }

    func get(_ id: Int) async throws -> VLMTestResponse {
        try await call(VLMPromptByID.self, .get, "/v1/prompts/\(id)", params: ["id": String(id)])
    }

    func list(_ query: String) async throws -> VLMTestResponse {
        try await call(VLMPrompts.self, .get, "/v1/prompts", query: query)
    }

    func setDefault(_ id: Int, headers: [String: String] = [:]) async throws -> VLMTestResponse {
        try await call(VLMPromptSetDefault.self, .put, "/v1/prompts/\(id)/default", headers: headers, params: ["id": String(id)], admin: true)
    }

    /// Every key under a prefix (to prove nothing was written).
    func keys(_ prefix: KvKey) async throws -> [KvKey] {
        var out: [KvKey] = []
        for try await e in try kv.list(.prefix(prefix)) { out.append(e.key) }
        return out
    }

    /// The ids of a per-key index (``VLMKeys``), in id order.
    func ids(_ index: KvKey) async throws -> [Int] {
        try await VLMPromptStore(kv: kv).ids(under: index)
    }

    /// Every key the app writes, except the layout marker (set by the first read as well as by writes).
    func allKeys() async throws -> [KvKey] {
        var out: [KvKey] = []
        for p in ["prompts", "prompts_index", "prompts_idx", "prompts_default", "nonce", "config", "backups"] as [KvKeyPart] {
            out += try await keys([p])
        }
        for k in try await keys(["prompts_meta"]) where k != VLMKeys.indexLayout { out.append(k) }
        return out
    }
}

typealias VLMTestResponse = TestResponse
