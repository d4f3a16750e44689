import EdgeRuntime
internal import FoundationEssentials

/// Vision proxy (§5.3): JSON or multipart input -> OpenAI-compatible chat completion at BigModel or
/// OpenRouter; JSON answers passed through, SSE streamed through unchanged with keep-alive comments.
enum VLMVision {
    struct Input: Sendable {
        var provider = "bigmodel"
        var model: String?
        var prompt: String?
        var promptId: Int?
        var namespace: String?
        var lang: String?
        var images: [String] = []
        var detail: String?
        var thinking: String?
        var stream = false
    }

    struct Provider: Sendable {
        let name: String
        let url: String
        let apiKey: String?
        let defaultModel: String
    }

    static func provider(_ name: String, env: Environment) -> Provider {
        func base(_ v: String) -> String { var b = v; while b.hasSuffix("/") { b.removeLast() }; return b }
        let configuredModel = env["DEFAULT_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
        if name == "openrouter" {
            return Provider(name: name, url: base(env.get("OPENROUTER_BASE_URL", default: "https://openrouter.ai/api/v1")) + "/chat/completions",
                            apiKey: env["OPENROUTER_API_KEY"].flatMap { $0.isEmpty ? nil : $0 },
                            defaultModel: configuredModel ?? "qwen/qwen2.5-vl-72b-instruct")
        }
        return Provider(name: "bigmodel", url: base(env.get("BIGMODEL_BASE_URL", default: "https://open.bigmodel.cn/api/paas/v4")) + "/chat/completions",
                        apiKey: env["BIGMODEL_API_KEY"].flatMap { $0.isEmpty ? nil : $0 },
                        defaultModel: configuredModel ?? "glm-4.5v")
    }

    // MARK: input

    static func checkImageURL(_ s: String, field: String) throws -> String {
        let lower = s.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("data:"), s.count > 8 else {
            throw VLM.invalidField(field)
        }
        return s
    }

    static func base64URL(_ raw: String, contentType: String = "image/png") throws -> String {
        if raw.lowercased().hasPrefix("data:") { return raw }
        let ok = !raw.isEmpty && raw.utf8.allSatisfy { b in
            (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 43 || b == 47 || b == 61
                || b == 45 || b == 95 || b == 10 || b == 13 || b == 32
        }
        guard ok else { throw VLM.invalidField("image_base64") }
        return "data:\(contentType);base64,\(raw.filter { !$0.isWhitespace })"
    }

    static func thinking(_ v: JSONValue) throws -> String {
        var t: String?
        switch v {
        case .string(let s): t = s
        case .object(let o): t = o["type"]?.stringValue
        default: t = nil
        }
        guard let t, t == "enabled" || t == "disabled" else { throw VLM.invalidField("thinking") }
        return t
    }

    /// Applies the shared field rules to a JSON object (multipart text parts are mapped onto one).
    static func apply(_ body: JSONObject, to input: inout Input) throws {
        func optString(_ name: String) throws -> String? {
            switch body[name] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw VLM.invalidField(name)
            }
        }
        if let p = try optString("provider") { input.provider = p }
        if let m = try optString("model"), !m.isEmpty { input.model = m }
        if let p = try optString("prompt"), !p.isEmpty { input.prompt = p }
        switch body["prompt_id"] {
        case nil, .null?: break
        case .number(let n)?:
            guard let id = JSONValue.number(n).intValue, id >= 1 else { throw VLM.invalidField("prompt_id") }
            input.promptId = id
        case .string(let s)?:
            guard let id = VLM.promptId(s) else { throw VLM.invalidField("prompt_id") }
            input.promptId = id
        default: throw VLM.invalidField("prompt_id")
        }
        if let ns = try optString("namespace"), !ns.isEmpty { input.namespace = ns }
        if let l = try optString("lang"), !l.isEmpty { input.lang = l }
        if let u = try optString("image_url"), !u.isEmpty { input.images.append(try checkImageURL(u, field: "image_url")) }
        if let b = try optString("image_base64"), !b.isEmpty { input.images.append(try base64URL(b)) }
        switch body["images"] {
        case nil, .null?: break
        case .array(let a)?:
            for item in a {
                guard case .string(let s) = item else { throw VLM.invalidField("images") }
                input.images.append(try checkImageURL(s, field: "images"))
            }
        default: throw VLM.invalidField("images")
        }
        if let d = try optString("detail") {
            guard ["low", "high", "auto"].contains(d) else { throw VLM.invalidField("detail") }
            input.detail = d
        }
        if let t = body["thinking"], t != .null { input.thinking = try thinking(t) }
        switch body["stream"] {
        case nil, .null?: break
        case .bool(let b)?: input.stream = b
        default: throw VLM.invalidField("stream")
        }
    }

    /// Parses a JSON or `multipart/form-data` request (body limit 10 MiB), plus `?provider=` / `?stream=1`.
    static func parse(_ request: Request) async throws -> Input {
        var req = request
        req.body.limit = VLM.maxBodyBytes
        var input = Input()
        if let qp = req.query["provider"], !qp.isEmpty { input.provider = qp }
        if let reader = MultipartReader(request: req) {
            var fields = JSONObject()
            for try await part in reader {
                guard let name = part.name else { continue }
                if name == "file" || part.filename != nil {
                    guard !part.bytes.isEmpty else { throw VLM.invalidField("file") }
                    let type = part.contentType ?? "application/octet-stream"
                    guard type.lowercased().hasPrefix("image/") || type.lowercased() == "application/octet-stream" else {
                        throw VLM.invalidField("file")
                    }
                    input.images.append("data:\(type);base64,\(base64(part.bytes))")
                    continue
                }
                let text = part.text
                switch name {
                case "images":
                    guard let v = try? JSON.decode(JSONValue.self, from: Array(text.utf8)) else { throw VLM.invalidField("images") }
                    fields["images"] = v
                case "stream":
                    fields["stream"] = .bool(text != "false")
                case "thinking":
                    fields["thinking"] = (try? JSON.decode(JSONValue.self, from: Array(text.utf8))).flatMap { $0.objectValue != nil ? $0 : nil } ?? .string(text)
                case "prompt_id":
                    fields["prompt_id"] = .string(text)
                default:
                    fields[name] = .string(text)
                }
            }
            try apply(fields, to: &input)
        } else {
            let body = try await VLM.jsonObject(req)
            try apply(body, to: &input)
        }
        if let qp = req.query["provider"], !qp.isEmpty, input.provider.isEmpty { input.provider = qp }
        if let s = req.query["stream"], s == "1" || s == "true" { input.stream = true }
        guard input.provider == "bigmodel" || input.provider == "openrouter" else {
            throw VLM.error(.badRequest, "Unknown provider", code: "invalid_provider",
                            message: "provider must be \"bigmodel\" or \"openrouter\"")
        }
        guard !input.images.isEmpty else {
            throw VLM.error(.badRequest, "Image required", code: "invalid_request",
                            message: "One of image_url, image_base64, images or file is required")
        }
        return input
    }

    /// Standard base64 with `=` padding and no line breaks, for `data:` URLs (FoundationEssentials:
    /// 20x faster than the hand-written loop it replaced on a 10 MiB image, Docs/Decisions/0009).
    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// The prompt: the request's, else `prompt_id`'s text, else the (namespace, lang) default; else 400.
    static func resolvePrompt(_ input: Input, context: Context) async throws -> String {
        if let p = input.prompt { return p }
        let store = VLMPromptStore(kv: try context.kv, logger: context.logger)
        if let id = input.promptId, let p = try await store.get(id) { return p.text }
        if let p = try await store.defaultPrompt(namespace: input.namespace ?? "default", lang: input.lang ?? "en") { return p.text }
        throw VLM.error(.badRequest, "prompt required", code: "invalid_request",
                        message: "No prompt given and no library prompt found")
    }

    static func upstreamBody(_ input: Input, prompt: String, model: String, stream: Bool) -> [UInt8] {
        var content: [JSONValue] = [.object(["type": "text", "text": .string(prompt)])]
        for url in input.images {
            var image: [(String, JSONValue)] = [("url", .string(url))]
            if let d = input.detail { image.append(("detail", .string(d))) }
            content.append(.object(["type": "image_url", "image_url": .object(JSONObject(image))]))
        }
        var members: [(String, JSONValue)] = [
            ("model", .string(model)),
            ("messages", .array([.object(["role": "user", "content": .array(content)])])),
            ("stream", .bool(stream)),
        ]
        if input.provider == "bigmodel", let t = input.thinking {
            members.append(("thinking", .object(["type": .string(t)])))
        }
        return JSONValue.object(JSONObject(members)).serialized
    }

    // MARK: the exchange

    /// Validates, resolves the prompt, and sends the upstream request (returns once its head arrived).
    static func send(_ request: Request, context: Context, forceStream: Bool) async throws -> (Input, FetchResponse) {
        try await VLMRateLimit.enforce(.vision, request: request, context: context)
        var input = try await parse(request)
        if forceStream { input.stream = true }
        context.logField("provider", input.provider)
        let prompt = try await resolvePrompt(input, context: context)
        let provider = provider(input.provider, env: context.env)
        guard let key = provider.apiKey else {
            throw VLM.error(.serviceUnavailable, "Provider not configured", code: "provider_not_configured",
                            message: "\(input.provider == "openrouter" ? "OPENROUTER_API_KEY" : "BIGMODEL_API_KEY") is not set")
        }
        var headers: FetchHeaders = ["Authorization": "Bearer \(key)", "Content-Type": "application/json"]
        if input.stream { headers.append(name: "Accept", value: "text/event-stream") }
        if provider.name == "openrouter", let app = context.env["APP_URL"], !app.isEmpty {
            headers.append(name: "HTTP-Referer", value: app)
            headers.append(name: "X-Title", value: context.env.get("APP_TITLE", default: "vlm-api-deno"))
        }
        let firstByte = max(1, context.env.int("VISION_FIRST_BYTE_TIMEOUT_SEC", default: 120))
        let fetch = FetchRequest(
            url: provider.url, method: "POST", headers: headers,
            body: .bytes(upstreamBody(input, prompt: prompt, model: input.model ?? provider.defaultModel, stream: input.stream)),
            timeouts: FetchTimeouts(connect: .seconds(10), firstByte: .seconds(firstByte)))
        do {
            return (input, try await context.fetch(fetch))
        } catch {
            throw upstreamError(error)
        }
    }

    static func upstreamError(_ error: FetchError) -> HTTPError {
        if case .timeout = error.kind {
            return VLM.error(.gatewayTimeout, "Upstream timeout", code: "upstream_timeout", message: error.description)
        }
        return VLM.error(.badGateway, "Upstream unreachable", code: "upstream_error", message: error.description)
    }

    /// A complete upstream body: passed through when JSON, else `{"error":"bad upstream json"}`, same status.
    static func passJSON(_ upstream: FetchResponse) async throws -> Response {
        let bytes: [UInt8]
        do { bytes = try await upstream.body.bytes() } catch { throw upstreamError(error) }
        let status = HTTPResponse.Status(code: upstream.status)
        if (try? JSON.decode(JSONValue.self, from: bytes)) != nil {
            return .jsonBytes(bytes, status: status)
        }
        throw VLM.error(status, "bad upstream json", code: "upstream_error", message: "The provider answered with a body that is not JSON")
    }

    /// The SSE answer to a streamed request: the provider's events unchanged and unbuffered, with
    /// `: keep-alive` comments while it is silent; an upstream error before any byte is JSON instead.
    static func streamResponse(_ upstream: FetchResponse, context: Context) async throws -> Response {
        if upstream.status >= 400 {
            // An upstream error before any byte: its status with a JSON body, never a 200 stream.
            return try await passJSON(upstream)
        }
        let keepAlive = Duration.milliseconds(max(50, context.env.int("SSE_KEEPALIVE_MS", default: 15_000)))
        return .eventStream(relaying: upstream.body, keepAlive: keepAlive, logger: context.logger)
    }
}
