import EdgeRuntime
import Foundation
import KV
import KVLMDB
import Testing
@testable import Functions

/// A KV database in a temp directory plus helpers that call handler types directly (no router).
final class VLMHarness: @unchecked Sendable {
    static let admin = "test-admin-token"
    let kv: Kv
    let dir: String
    var env: [String: String]

    init(_ extra: [String: String] = [:]) throws {
        dir = NSTemporaryDirectory() + "vlm-test-" + UUID().uuidString
        kv = try Kv.open(path: dir, options: LMDBStore.Options(mapSize: 64 << 20))
        env = ["ADMIN_TOKEN": Self.admin, "WRITE_RL_LIMIT": "100000", "VISION_RL_LIMIT": "100000"]
        for (k, v) in extra { env[k] = v }
    }

    deinit {
        VLMCache.shared.clear(kv)
        VLMRegexConfig.invalidate(kv)
        kv.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func context(_ params: [String: String] = [:], isCron: Bool = false) -> Context {
        var services = Services()
        services[KvServiceKey.self] = kv
        var logger = Logger(label: "vlm-tests")
        logger.logLevel = .error
        return Context(requestId: "req-" + UUID().uuidString.prefix(8), logger: logger, env: Environment(env),
                       parameters: Parameters(params), app: "vlm", isCron: isCron, services: services)
    }

    func call<F: EdgeFunction>(
        _ type: F.Type, _ method: HTTPRequest.Method, _ path: String, query: String? = nil,
        headers: [String: String] = [:], body: [UInt8] = [], params: [String: String] = [:],
        admin: Bool = false, isCron: Bool = false
    ) async throws -> VLMTestResponse {
        var h = HTTPFields()
        for (k, v) in headers { h[HTTPField.Name(k)!] = v }
        if admin { h[HTTPField.Name("x-admin-token")!] = Self.admin }
        let request = Request(method: method, path: path, rawQuery: query, headers: h,
                              parameters: Parameters(params), body: RequestBody(bytes: body))
        let response = try await F().handle(request, context: context(params, isCron: isCron))
        return VLMTestResponse(status: Int(response.status.code), headers: response.headers, body: try await Self.collect(response.body))
    }

    func call<F: EdgeFunction>(
        _ type: F.Type, _ method: HTTPRequest.Method, _ path: String, query: String? = nil,
        headers: [String: String] = [:], json: String, params: [String: String] = [:], admin: Bool = false
    ) async throws -> VLMTestResponse {
        try await call(type, method, path, query: query, headers: headers, body: Array(json.utf8), params: params, admin: admin)
    }

    static func collect(_ body: ResponseBody) async throws -> [UInt8] {
        switch body {
        case .empty: return []
        case .bytes(let b): return b
        case .stream(let s): return try await s.collect(upTo: 1 << 26)
        case .producer(let p):
            let w = StreamWriter()
            let t = Task { do { try await p(w); w.finish() } catch { w.finish(error) } }
            var out: [UInt8] = []
            while let c = try await w.next() { out += c }
            _ = await t.result
            return out
        }
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

    func allKeys() async throws -> [KvKey] {
        var out: [KvKey] = []
        for p in ["prompts", "prompts_index", "prompts_default", "prompts_meta", "nonce", "config", "backups"] as [KvKeyPart] {
            out += try await keys([p])
        }
        return out
    }
}

struct VLMTestResponse: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSON.decode(JSONValue.self, from: body) }
    var error: String? { json?["error"]?.stringValue }
    var code: String? { json?["code"]?.stringValue }
    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}
