import EdgeRuntime

/// `PUT /admin/config/regex` `{"pattern", "flags"?}` and `DELETE /admin/config/regex` (admin, §5.2).
struct VLMAdminRegex: EdgeFunction {
    static let methods: HTTPMethods = [.put, .delete]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let nonce = try await VLMWriteGuard.admit(.admin, request: request, context: context)
        let kv = try context.kv
        let op = kv.atomic()
        var result: JSONValue = .object(["success": .bool(true)])
        if request.method == .put {
            let body = try await VLM.jsonObject(request)
            guard case .string(let pattern)? = body["pattern"] else { throw VLM.invalidField("pattern") }
            var flags = VLMRegexConfig.defaultFlags
            if let f = body["flags"], f != .null {
                guard case .string(let s) = f else { throw VLM.invalidField("flags") }
                flags = s
            }
            if let reason = VLMRegexConfig.validate(pattern: pattern, flags: flags) {
                throw VLM.error(.badRequest, "Invalid regex", code: "invalid_regex", message: reason)
            }
            op.set(VLMRegexConfig.patternKey, .string(pattern)).set(VLMRegexConfig.flagsKey, .string(flags))
            result = .object(["success": .bool(true), "pattern": .string(pattern), "flags": .string(flags), "source": "kv"])
        } else {
            op.delete(VLMRegexConfig.patternKey).delete(VLMRegexConfig.flagsKey)
        }
        nonce?.apply(to: op)
        guard try await op.commit().ok else { throw VLMNonce.replay() }
        VLMRegexConfig.invalidate(kv)
        return .json(result)
    }
}
