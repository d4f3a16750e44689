import EdgeTesting
import Testing
@testable import Functions

/// The OpenAPI document (`Functions/openapi.json/_document/OpenAPIDocumentText.swift`, served at `GET /openapi.json`) against the
/// route table the build generated from `Functions/`: every route and method documented, nothing
/// documented that is not routed (Docs/Decisions/0020). A failure prints the difference both ways.
@Suite struct OpenAPIDocumentTests {
    /// Methods an OpenAPI path item may hold. HEAD and OPTIONS are the runtime's (HEAD runs GET, OPTIONS is
    /// the preflight), so the document leaves them out even where a route lists HEAD.
    static let documentedMethods = ["get", "put", "post", "delete", "patch"]
    static let runtimeMethods = ["head", "options", "trace"]

    /// The OpenAPI path templates a route pattern stands for: `:id` is `{id}`; a catch-all `:rest+` is
    /// `{rest}` (one template, whose value spans segments); an optional catch-all `:rest*` is the parent
    /// path and `{rest}` below it.
    static func templates(forPattern pattern: String) -> [String] {
        var base: [String] = []
        for part in pattern.split(separator: "/") {
            guard part.first == ":" else { base.append(String(part)); continue }
            let name = part.dropFirst()
            if name.hasSuffix("*") {
                let parent = "/" + base.joined(separator: "/")
                return [parent, "/" + (base + ["{\(name.dropLast())}"]).joined(separator: "/")]
            }
            base.append("{\(name.hasSuffix("+") ? name.dropLast() : name)}")
        }
        return ["/" + base.joined(separator: "/")]
    }

    /// "METHOD /path" for every method every route declares (HEAD and OPTIONS aside).
    static func routed() -> Set<String> {
        var out = Set<String>()
        for r in FunctionsManifest.routes {
            for t in templates(forPattern: r.pattern) {
                for m in r.methods.names where !["HEAD", "OPTIONS"].contains(m) { out.insert("\(m) \(t)") }
            }
        }
        return out
    }

    static func document(_ client: TestClient) async throws -> JSONObject {
        let r = await client.send(.get, "/openapi.json")
        #expect(r.status == 200)
        #expect(r.headers[.contentType] == "application/json")
        return try #require(r.json?.objectValue, "GET /openapi.json is not a JSON object")
    }

    @Test func patternsBecomePathTemplates() {
        #expect(Self.templates(forPattern: "/") == ["/"])
        #expect(Self.templates(forPattern: "/api/sessions/:sessionId") == ["/api/sessions/{sessionId}"])
        #expect(Self.templates(forPattern: "/docs/:slug+") == ["/docs/{slug}"])
        #expect(Self.templates(forPattern: "/shop/:slug*") == ["/shop", "/shop/{slug}"])
    }

    @Test func theDocumentMatchesTheRouteTable() async throws {
        let client = try Deployment.client(["EDGE_ADMIN_TOKEN": "openapi-test"])
        let doc = try await Self.document(client)
        #expect(doc["openapi"]?.stringValue == "3.1.0")
        let paths = try #require(doc["paths"]?.objectValue, "the document has no `paths` object")

        var documented = Set<String>(), runtime: [String] = [], problems: [String] = []
        var operationIds = Set<String>()
        for (path, item) in paths {
            guard let item = item.objectValue else { problems.append("\(path): not an object"); continue }
            for (key, op) in item {
                if Self.runtimeMethods.contains(key) {
                    problems.append("\(key.uppercased()) \(path): HEAD/OPTIONS are the runtime's; document GET only")
                }
                guard Self.documentedMethods.contains(key) else { continue }
                let line = "\(key.uppercased()) \(path)"
                // The runtime's own endpoints (`/__edge/…` and `/metrics`) are not in the route table.
                if path.hasPrefix("/__edge/") || path == "/metrics" { runtime.append(line) } else { documented.insert(line) }
                let responses = op["responses"]?.objectValue ?? [:]
                if !responses.keys.contains(where: { $0.hasPrefix("2") }) { problems.append("\(line): no 2xx response") }
                if let id = op["operationId"]?.stringValue {
                    if !operationIds.insert(id).inserted { problems.append("\(line): operationId \(id) used twice") }
                } else {
                    problems.append("\(line): no operationId")
                }
            }
        }
        let routed = Self.routed()
        let missing = routed.subtracting(documented).sorted()
        let extra = documented.subtracting(routed).sorted()
        #expect(missing.isEmpty && extra.isEmpty, """
            Functions/openapi.json/_document/OpenAPIDocumentText.swift has drifted from the route table (`edge routes`):
            \(missing.map { "  routed, not documented:  \($0)" }.joined(separator: "\n"))
            \(extra.map { "  documented, not routed:  \($0)" }.joined(separator: "\n"))
            """)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")

        // The runtime's own endpoints are not in the route table: each documented one must exist.
        #expect(!runtime.isEmpty)
        for line in runtime {
            let path = String(line.split(separator: " ")[1])
            let r = await client.send(.get, path, headers: ["x-admin-token": "openapi-test"])
            #expect(r.status != 404, "\(line) is documented but the runtime answers 404")
        }
    }

    /// Every `$ref` points at a component that exists (a dangling one makes the whole document unusable).
    @Test func everyReferenceResolves() async throws {
        let client = try Deployment.client()
        let doc = try await Self.document(client)
        var refs: [String] = []
        func walk(_ v: JSONValue) {
            switch v {
            case .object(let o):
                for (k, x) in o {
                    if k == "$ref", let s = x.stringValue { refs.append(s) } else { walk(x) }
                }
            case .array(let a): a.forEach(walk)
            default: break
            }
        }
        walk(.object(doc))
        #expect(!refs.isEmpty)
        for ref in Set(refs) {
            var node: JSONValue? = .object(doc)
            for part in ref.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
            #expect(ref.hasPrefix("#/") && node != nil, "dangling $ref \(ref)")
        }
    }
}
