import EdgeRuntime

/// The seed's `Prompt` (§5.4).
struct VLMPrompt: Codable, Sendable, Equatable {
    var id: Int
    var namespace: String
    var name: String
    var version: Int
    var lang: String
    var text: String
    var tags: [String]
    var priority: Int
    var isActive: Bool
    var isDefault: Bool
    var createdAt: String
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, namespace, name, version, lang, text, tags, priority
        case isActive = "is_active", isDefault = "is_default", createdAt = "created_at", updatedAt = "updated_at"
    }

    /// The response shape, keys in the seed's order.
    var json: JSONValue {
        .object([
            "id": .number(Double(id)), "namespace": .string(namespace), "name": .string(name), "version": .number(Double(version)),
            "lang": .string(lang), "text": .string(text), "tags": .array(tags.map { .string($0) }),
            "priority": .number(Double(priority)), "is_active": .bool(isActive), "is_default": .bool(isDefault),
            "created_at": .string(createdAt), "updated_at": .string(updatedAt),
        ])
    }

    /// The stored form: a structured object like Deno KV keeps (insertion-ordered members).
    var kvValue: KvValue {
        .object([
            .init("id", .number(Double(id))), .init("namespace", .string(namespace)), .init("name", .string(name)),
            .init("version", .number(Double(version))), .init("lang", .string(lang)), .init("text", .string(text)),
            .init("tags", .array(tags.map { .string($0) })), .init("priority", .number(Double(priority))),
            .init("is_active", .bool(isActive)), .init("is_default", .bool(isDefault)),
            .init("created_at", .string(createdAt)), .init("updated_at", .string(updatedAt)),
        ])
    }
}

extension VLMPrompt {
    /// Reads the stored form back; nil for a corrupt record: a member missing or of the wrong type, or a
    /// number outside ``VLMLimits`` (a record written before the bounds existed). Never traps.
    init?(kvValue v: KvValue) {
        func string(_ n: String) -> String? { if case .string(let s)? = v[member: n] { return s }; return nil }
        func bool(_ n: String) -> Bool? { if case .bool(let b)? = v[member: n] { return b }; return nil }
        guard let id = VLMLimits.int(v[member: "id"], in: VLMLimits.promptIds),
              let version = VLMLimits.int(v[member: "version"], in: VLMLimits.versions),
              let priority = VLMLimits.int(v[member: "priority"], in: VLMLimits.priorities),
              let namespace = string("namespace"), let name = string("name"), let lang = string("lang"),
              let text = string("text"), let isActive = bool("is_active"), let isDefault = bool("is_default"),
              let createdAt = string("created_at"), let updatedAt = string("updated_at"),
              case .array(let rawTags)? = v[member: "tags"]
        else { return nil }
        var tags: [String] = []
        for t in rawTags {
            guard case .string(let s) = t else { return nil }
            tags.append(s)
        }
        self.init(id: id, namespace: namespace, name: name, version: version, lang: lang, text: text, tags: tags,
                  priority: priority, isActive: isActive, isDefault: isDefault, createdAt: createdAt, updatedAt: updatedAt)
    }
}

/// Validated prompt fields (§5.4 type rules; numbers inside ``VLMLimits``: `version` 1 ... 2^31-1,
/// `priority` -2^31 ... 2^31-1).
enum VLMPromptInput {
    static let maxShort = 128
    static let maxText = 20_000
    /// `["prompts_index","active"]` is the active index, so a namespace called `active` would collide with it.
    static let reservedNamespaces: Set<String> = ["active"]

    struct Create: Sendable {
        var namespace: String, name: String, version: Int, lang: String, text: String
        var tags: [String], priority: Int, isActive: Bool, makeDefault: Bool
    }

    struct Patch: Sendable {
        var namespace: String?, name: String?, version: Int?, lang: String?, text: String?
        var tags: [String]?, priority: Int?, isActive: Bool?
    }

    /// JavaScript falsiness for the seed's `!body.namespace || !body.name || !body.text`.
    static func falsy(_ v: JSONValue?) -> Bool {
        switch v {
        case nil, .null?: return true
        case .string(let s)?: return s.isEmpty
        case .bool(let b)?: return !b
        case .number(let n)?: return n == 0 || n.isNaN
        default: return false
        }
    }

    static func short(_ body: JSONObject, _ name: String) throws -> String {
        guard case .string(let s)? = body[name], !s.isEmpty else { throw VLM.invalidField(name) }
        if s.utf16.count > maxShort { throw VLM.tooLong(name) }
        if name == "namespace", reservedNamespaces.contains(s) { throw VLM.invalidField(name) }
        return s
    }

    static func text(_ body: JSONObject) throws -> String {
        guard case .string(let s)? = body["text"], !s.isEmpty else { throw VLM.invalidField("text") }
        if s.utf16.count > maxText { throw VLM.tooLong("text") }
        return s
    }

    /// An integer field inside `range` (``VLMLimits``), else 400 `Invalid field: <name>`.
    static func int(_ body: JSONObject, _ name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let v = body[name]?.intValue, range.contains(v) else { throw VLM.invalidField(name) }
        return v
    }

    static func tags(_ body: JSONObject) throws -> [String] {
        guard case .array(let a)? = body["tags"] else { throw VLM.invalidField("tags") }
        var out: [String] = []
        for t in a {
            guard case .string(let s) = t else { throw VLM.invalidField("tags") }
            out.append(s)
        }
        return out
    }

    /// `is_active`: boolean, or `0`/`1` from the Worker's clients.
    static func active(_ body: JSONObject) throws -> Bool {
        switch body["is_active"] {
        case .bool(let b)?: return b
        case .number(let n)? where n == 0 || n == 1: return n == 1
        default: throw VLM.invalidField("is_active")
        }
    }

    static func present(_ body: JSONObject, _ name: String) -> Bool {
        if let v = body[name], v != .null { return true }
        return false
    }

    /// `POST /v1/prompts`: required fields first (seed), then types; defaults from the seed.
    static func create(_ body: JSONObject) throws -> Create {
        if falsy(body["namespace"]) || falsy(body["name"]) || falsy(body["text"]) {
            throw VLM.error(.badRequest, "Missing required fields", code: "invalid_request")
        }
        let namespace = try short(body, "namespace")
        let name = try short(body, "name")
        let text = try text(body)
        let version = present(body, "version") ? try int(body, "version", in: VLMLimits.versions) : 1
        var lang = "en"
        if case .string(let s)? = body["lang"], s.isEmpty {
            lang = "en"  // the seed's `body.lang || "en"`
        } else if present(body, "lang") {
            lang = try short(body, "lang")
        }
        let tags = present(body, "tags") ? try tags(body) : []
        let priority = present(body, "priority") ? try int(body, "priority", in: VLMLimits.priorities) : 0
        let isActive = present(body, "is_active") ? try active(body) : true
        var makeDefault = false
        if present(body, "make_default") {
            guard case .bool(let b)? = body["make_default"] else { throw invalidField("make_default") }
            makeDefault = b
        }
        return Create(namespace: namespace, name: name, version: version, lang: lang, text: text, tags: tags,
                      priority: priority, isActive: isActive, makeDefault: makeDefault)
    }

    static func invalidField(_ n: String) -> HTTPError { VLM.invalidField(n) }

    /// `PUT /v1/prompts/:id`: every given field type-checked; `id`, `created_at`, `is_default` ignored.
    static func patch(_ body: JSONObject) throws -> Patch {
        var p = Patch()
        if body["namespace"] != nil { p.namespace = try short(body, "namespace") }
        if body["name"] != nil { p.name = try short(body, "name") }
        if body["lang"] != nil { p.lang = try short(body, "lang") }
        if body["text"] != nil { p.text = try text(body) }
        if body["version"] != nil { p.version = try int(body, "version", in: VLMLimits.versions) }
        if body["priority"] != nil { p.priority = try int(body, "priority", in: VLMLimits.priorities) }
        if body["tags"] != nil { p.tags = try tags(body) }
        if body["is_active"] != nil { p.isActive = try active(body) }
        return p
    }
}
