import EdgeRuntime

/// `POST /admin/backup` (admin): the JSON download `{exported_at, count, prompts}` (§5.7).
struct VLMAdminBackup: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let nonce = try await VLMWriteGuard.admit(.admin, request: request, context: context)
        let kv = try context.kv
        try await nonce?.consume(kv)
        let export = try await VLMBackup.export(kv)
        let filename = "backup-\(export.exportedAtMs).json"
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        if let location = await VLMBackup.uploadToSupabase(export, filename: filename, context: context) {
            headers[HTTPField.Name("x-backup-location")!] = location
        }
        return Response(status: .ok, headers: headers, body: .bytes(export.bytes))
    }
}
