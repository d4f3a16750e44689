import EdgeRuntime

/// What `POST /upload` stored.
struct ReceivedArtifact: Sendable {
    let fileName: String
    let type: ArtifactType
    let ext: String
    let size: Int
    /// Written but not yet committed: its SHA-256 comes with ``UploadFile/commit(as:)``.
    let file: UploadFile
}

/// Reads a `multipart/form-data` upload (CONTRACTS §4.3) into a temporary file as it arrives: each body
/// piece is hashed (SHA-256) and written before the next is read, so memory stays at one network chunk
/// whatever the file's size, and back-pressure reaches the client.
///
/// Checks, in order: the declared `Content-Length` (413 before anything is read), multipart with a
/// boundary (400), the `file` part's name extension (400, before its body is read), a running count of
/// file bytes (413), the content's first bytes against the extension (400), empty (400), no `file`
/// part (400). Other fields are read and dropped (at most ``PersephoneLimits/maxFieldBytes`` each); a
/// second `file` part is dropped. On any failure the temporary file is removed before the error
/// propagates, the source's own failure (a client that disconnects) included.
enum UploadReceiver {
    static func receive(_ request: Request, config: PersephoneConfig) async throws -> ReceivedArtifact {
        let max = config.maxUploadBytes
        if let declared = request.body.declaredLength, declared > max + PersephoneLimits.multipartOverheadBytes {
            throw PersephoneErrors.tooLarge(max)
        }
        guard var parts = MultipartStream(request: request) else {
            throw PersephoneErrors.bad("expected a multipart/form-data body with a boundary and a 'file' field",
                                       code: "unsupported_media_type")
        }
        var received: ReceivedArtifact? = nil
        do {
            while let head = try await parts.nextPart() {
                guard head.name == "file", received == nil else {
                    try await drain(&parts, limit: head.name == "file" ? .max : PersephoneLimits.maxFieldBytes)
                    continue
                }
                received = try await readFile(head, &parts, config: config)
            }
        } catch {
            received?.file.discard()
            throw error
        }
        guard let received else { throw PersephoneErrors.bad("multipart field 'file' is required") }
        return received
    }

    static func readFile(_ head: MultipartPartHead, _ parts: inout MultipartStream, config: PersephoneConfig) async throws -> ReceivedArtifact {
        let name = baseName(head.filename ?? "")
        guard !name.isEmpty else { throw PersephoneErrors.bad("the 'file' field must be a file with a name") }
        guard case let (type, ext)? = ArtifactType.from(fileName: name) else {
            throw PersephoneErrors.bad("unsupported file type '\(name)': allowed are \(ArtifactType.allowedList)", code: "unsupported_media_type")
        }
        let file = try UploadFile(dir: config.uploadDir, failAfter: config.faultDiskFullAfterBytes)
        do {
            var sniff: [UInt8] = []
            var size = 0
            while let piece = try await parts.nextChunk() {
                size += piece.count
                if size > config.maxUploadBytes { throw PersephoneErrors.tooLarge(config.maxUploadBytes) }
                if sniff.count < PersephoneLimits.sniffBytes {
                    sniff += piece.prefix(PersephoneLimits.sniffBytes - sniff.count)
                    try checkContent(sniff, type, name, final: false)
                }
                try file.write(piece)
            }
            guard size > 0 else { throw PersephoneErrors.bad("the uploaded file '\(name)' is empty") }
            try checkContent(sniff, type, name, final: true)
            return ReceivedArtifact(fileName: name, type: type, ext: ext, size: size, file: file)
        } catch {
            file.discard()
            throw error
        }
    }

    /// 400 when `head` cannot be the start of a `type` file. Before the end of the file only a full
    /// sniff window is judged (a short head may still grow into a match).
    static func checkContent(_ head: [UInt8], _ type: ArtifactType, _ name: String, final: Bool) throws {
        guard final || head.count >= PersephoneLimits.sniffBytes else { return }
        if !type.matches(head) {
            throw PersephoneErrors.bad("the content of '\(name)' does not match its extension (expected: \(type.label))",
                                       code: "unsupported_media_type")
        }
    }

    static func drain(_ parts: inout MultipartStream, limit: Int) async throws {
        var n = 0
        while let piece = try await parts.nextChunk() {
            n += piece.count
            if n > limit { throw PersephoneErrors.bad("a form field other than 'file' is larger than \(limit) bytes") }
        }
    }

    /// The last path component of a client-sent file name (browsers on Windows may send a full path),
    /// at most ``PersephoneLimits/maxFileNameLength`` characters.
    static func baseName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return String(last.filter { !$0.isASCII || ($0.asciiValue ?? 0) >= 32 }.suffix(PersephoneLimits.maxFileNameLength))
    }
}
