/// What a handler returns: a status, headers and a body of bytes or a stream.
///
/// Streamed bodies are written chunk by chunk and flushed per chunk, so an SSE event reaches the
/// client the moment the handler yields it. A stream's upstream is cancelled when the client leaves.
public struct Response: Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: ResponseBody

    /// Room the common constructors reserve for the fields added later (content type, `content-length`,
    /// `x-request-id`), so the header list is allocated once per response.
    static let headersAddedOnTheWayOut = 3

    public init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Passes any byte-chunk sequence through as the body (e.g. a `fetch` response body).
    public init<S: AsyncSequence & Sendable>(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], stream: S)
    where S.Element == [UInt8] {
        self.init(status: status, headers: headers, body: .stream(ByteStream(stream)))
    }

    /// A JSON body from any `Encodable` value.
    public static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let bytes = try JSON.encode(value)
        return .jsonBytes(bytes, status: status, headers: headers)
    }

    /// A JSON body from a ``JSONValue`` (cannot fail), compact or indented by two spaces.
    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], pretty: Bool = false) -> Response {
        .jsonBytes(pretty ? value.serialized(pretty: true) : value.serialized, status: status, headers: headers)
    }

    /// A JSON object of `members` plus `rawMembers` spliced in byte for byte
    /// (``JSONValue/serializedObject(_:rawMembers:)``).
    public static func json(_ members: JSONObject, rawMembers: [(name: String, json: [UInt8])], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        .jsonBytes(JSONValue.serializedObject(members, rawMembers: rawMembers), status: status, headers: headers)
    }

    /// A body that is already JSON, as `application/json; charset=utf-8` unless `headers` say otherwise.
    package static func jsonBytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: withContentType(headers, Self.jsonContentType, shared: Self.jsonFields), body: .bytes(bytes))
    }

    /// A plain-text body.
    public static func text(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: withContentType(headers, Self.textContentType, shared: Self.textFields), body: .bytes(Array(text.utf8)))
    }

    /// The content types the constructors add, built (and checked) once.
    static let jsonContentType = HTTPField(name: .contentType, value: "application/json; charset=utf-8")
    static let textContentType = HTTPField(name: .contentType, value: "text/plain; charset=utf-8")
    /// The fields of a response with nothing but its content type, shared until the first change (which
    /// copies them once, with room to grow): appending a field to `HTTPFields` goes through
    /// `RangeReplaceableCollection`'s generic `insert`, ~700 instructions.
    static let jsonFields = fields(jsonContentType)
    static let textFields = fields(textContentType)
    /// `headers` with `contentType` unless they name one: `shared` when `headers` is empty.
    private static func withContentType(_ headers: HTTPFields, _ contentType: HTTPField, shared: HTTPFields) -> HTTPFields {
        if headers.isEmpty { return shared }
        var h = headers
        h.reserveCapacity(h.count + headersAddedOnTheWayOut)
        if !h.contains(.contentType) { h.append(contentType) }
        return h
    }

    private static func fields(_ contentType: HTTPField) -> HTTPFields {
        var h = HTTPFields()
        h.reserveCapacity(1 + headersAddedOnTheWayOut)
        h.append(contentType)
        return h
    }

    /// An empty response (e.g. 204).
    public static func empty(_ status: HTTPResponse.Status = .noContent, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers, body: .empty)
    }

    /// A redirect with a `Location` header.
    public static func redirect(to location: String, status: HTTPResponse.Status = .temporaryRedirect) -> Response {
        var h = HTTPFields()
        h[.location] = location
        return Response(status: status, headers: h, body: .empty)
    }

    /// A server-sent-events response: each element written by `produce` is flushed at once.
    /// The producer is cancelled when the client disconnects.
    public static func eventStream(
        headers: HTTPFields = [:],
        _ produce: @escaping @Sendable (StreamWriter) async throws -> Void
    ) -> Response {
        var h = headers
        if h[.contentType] == nil { h[.contentType] = "text/event-stream; charset=utf-8" }
        if h[.cacheControl] == nil { h[.cacheControl] = "no-cache" }
        return Response(status: .ok, headers: h, body: .producer(produce))
    }
}

/// A response body.
public enum ResponseBody: Sendable {
    case empty
    case bytes([UInt8])
    /// Chunks written as they come, flushed per chunk.
    case stream(ByteStream)
    /// A closure that writes chunks with back-pressure; the runtime runs it concurrently with the socket writer.
    case producer(@Sendable (StreamWriter) async throws -> Void)

    /// Bytes known up front (for `content-length`), nil for streams.
    public var knownLength: Int? {
        switch self {
        case .empty: return 0
        case .bytes(let b): return b.count
        case .stream, .producer: return nil
        }
    }
}

extension ResponseBody {
    /// The body as one stream of chunks, for whatever sends it (the HTTP server, the cron runner, tests):
    /// `.stream` as is; `.producer` runs its closure in a task when iteration starts, with back-pressure,
    /// and cancels it when the iterator is dropped (the client left). Nil for `.empty` and `.bytes`.
    public var stream: ByteStream? {
        switch self {
        case .empty, .bytes: return nil
        case .stream(let s): return s
        case .producer(let produce):
            return ByteStream(make: {
                let run = ProducerRun(produce)
                return ByteStream.Iterator { try await run.writer.next() }
            })
        }
    }
}

extension ResponseBody {
    /// The whole body, a stream read to its end (at most `limit` bytes; 413 past it).
    public func collected(upTo limit: Int = 1 << 30) async throws -> [UInt8] {
        switch self {
        case .empty: return []
        case .bytes(let b): return b
        case .stream, .producer: return try await stream?.collect(upTo: limit) ?? []
        }
    }
}

/// One running producer; dropping it (with the iterator that owns it) cancels the producer.
private final class ProducerRun: Sendable {
    let writer = StreamWriter()
    let task: Task<Void, Never>

    init(_ produce: @escaping @Sendable (StreamWriter) async throws -> Void) {
        let writer = self.writer
        task = Task {
            do { try await produce(writer); writer.finish() } catch { writer.finish(error) }
        }
    }

    deinit {
        task.cancel()
        writer.finish(CancellationError())
    }
}
