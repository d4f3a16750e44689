import EdgeRuntime

/// `GET/PUT/DELETE /api/sessions/:sessionId` (CONTRACTS §1.4): session snapshots with stale-write
/// protection on `state.savedAt`, a sliding TTL and states up to 1 MiB stored byte for byte.
struct Session: EdgeFunction {
    static let methods: HTTPMethods = [.get, .put, .delete]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters["sessionId"] ?? ""
        guard Session.isValidId(id) else {
            throw HTTPError(.badRequest, code: "invalid_session_id", message: "Session ids are 1-64 of A-Z a-z 0-9 _ -", error: "Invalid session id")
        }
        let kv: Kv
        do { kv = try context.kv } catch {
            throw HTTPError(.serviceUnavailable, code: "storage_unavailable", message: "Session storage is not available", error: "Session storage is unavailable")
        }
        let store = SessionStore(kv: kv, ttlMs: context.env.int("SESSION_TTL_SEC", default: 259_200) * 1000)
        switch request.method {
        case .get:
            guard let record = try await store.load(id) else {
                throw HTTPError(.notFound, code: "session_not_found", message: "No session \(id)", error: "Session not found")
            }
            return .json(["sessionId": .string(id)], rawMembers: Session.stored(record))
        case .put:
            let (updatedAt, state) = try await Session.parseBody(request)
            switch try await store.save(id, updatedAt: updatedAt, state: state) {
            case .saved:
                return .empty(.noContent)
            case .stale(let stored):
                let text = "Stale snapshot rejected: a newer state already exists"
                throw HTTPError(.conflict, code: "stale_snapshot", message: text, error: text,
                                extra: ["sessionId": .string(id)], rawMembers: Session.stored(stored))
            }
        default:
            try await store.delete(id)
            return .empty(.noContent)
        }
    }

    /// `updatedAt` and the stored `state`, byte for byte as the client sent it.
    static func stored(_ record: SessionStore.Record) -> [(name: String, json: [UInt8])] {
        [("updatedAt", Array(String(record.updatedAt).utf8)), ("state", record.state)]
    }

    static func isValidId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }

    /// Validates `{"state": {...}}` and returns the snapshot time and the raw state bytes.
    static func parseBody(_ request: Request) async throws -> (Int64, [UInt8]) {
        let invalid = HTTPError(.badRequest, code: "invalid_body", message: "The body must be a JSON object with an object in field \"state\"", error: "Body must include object in field \"state\"")
        var body = request.body
        body.limit = SessionStore.maxStateBytes + 64 * 1024
        let bytes: [UInt8]
        do { bytes = try await body.bytes() } catch let e as HTTPError where e.status == .contentTooLarge {
            throw HTTPError(.contentTooLarge, code: "payload_too_large", message: "Session states are limited to 1 MiB", error: "Payload too large")
        }
        guard let parsed = try? JSON.decode(JSONValue.self, from: bytes), case .object(let top) = parsed,
              case .object(let state)? = top["state"], let span = JSONSpan.member("state", in: bytes) else { throw invalid }
        let raw = Array(bytes[span])
        guard raw.count <= SessionStore.maxStateBytes else {
            throw HTTPError(.contentTooLarge, code: "payload_too_large", message: "Session states are limited to 1 MiB", error: "Payload too large")
        }
        var updatedAt = WallClock.nowMilliseconds()
        if let saved = state["savedAt"]?.doubleValue, saved.isFinite, saved > 0, saved < 9.0e15 { updatedAt = Int64(saved.rounded(.down)) }
        return (updatedAt, raw)
    }
}


