import EdgeRuntime

/// System 000 (the Director extension backend): shared rules of its three routes (CONTRACTS §1).
enum Director {
    /// CORS per `CORS_ORIGINS` (`*` or a comma list), on every response including errors.
    static func cors(_ env: Environment) -> CORS {
        CORS(origins: .init(parsing: env["CORS_ORIGINS"]), allowMethods: "GET,PUT,DELETE,OPTIONS",
             allowHeaders: "Content-Type, X-Api-Key", maxAge: 86400)
    }

    /// `BACKEND_API_KEY`, when set, must arrive as `x-api-key` (trimmed; compared in constant time).
    static func authorize(_ request: Request, _ env: Environment) throws {
        guard let expected = env["BACKEND_API_KEY"].map(\.trimmingSpaces), !expected.isEmpty else { return }
        let sent = request.headers[HTTPField.Name("x-api-key")!].map(\.trimmingSpaces) ?? ""
        guard ConstantTime.equals(sent, expected) else {
            throw HTTPError(.unauthorized, code: "unauthorized", message: "A valid x-api-key header is required", error: "Unauthorized")
        }
    }

    /// The common wrapper: preflight (204, before auth), optional auth, CORS on whatever comes out.
    static func respond(_ request: Request, _ context: Context, auth: Bool = true, _ body: () async throws -> Response) async throws -> Response {
        let cors = cors(context.env)
        if request.method == .options { return cors.preflight(request) }
        var response: Response
        do {
            if auth { try authorize(request, context.env) }
            response = try await body()
        } catch {
            response = HTTPError(converting: error, requestId: context.requestId, logger: context.logger, route: request.path)
                .response(requestId: context.requestId)
        }
        cors.apply(to: &response, for: request)
        return response
    }
}

extension Director {
    /// A JSON string literal for `text`.
    static func quoted(_ text: String) -> String { String(decoding: JSONValue.string(text).serialized, as: UTF8.self) }
}
