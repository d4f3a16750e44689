import Synchronization

/// A request body: an asynchronous byte stream that may be read once, plus helpers that collect it.
///
/// Collecting helpers stop with 413 `payload_too_large` past ``limit`` (the function's
/// `maxRequestBodySize`, default ``EdgeLimits/defaultMaxRequestBodySize``) without reading the rest.
public struct RequestBody: Sendable {
    public let stream: ByteStream
    /// The `content-length`, if the client sent one.
    public let declaredLength: Int?
    /// The largest body the helpers collect. On a body read from a client, the server also fails the
    /// stream itself past it (and at once when a chunk header announces more).
    public var limit: Int {
        didSet { onLimit?(limit) }
    }
    private let consumed: ConsumedFlag
    private let onLimit: (@Sendable (Int) -> Void)?

    public init(stream: ByteStream, declaredLength: Int? = nil, limit: Int = EdgeLimits.defaultMaxRequestBodySize) {
        self.init(stream: stream, declaredLength: declaredLength, limit: limit, onLimit: nil)
    }

    /// A body whose source enforces ``limit`` itself: `onLimit` learns each new value.
    package init(stream: ByteStream, declaredLength: Int?, limit: Int = EdgeLimits.defaultMaxRequestBodySize,
                 onLimit: (@Sendable (Int) -> Void)?) {
        self.stream = stream
        self.declaredLength = declaredLength
        self.limit = limit
        self.consumed = ConsumedFlag()
        self.onLimit = onLimit
    }

    public init(bytes: [UInt8]) {
        self.init(stream: ByteStream(bytes: bytes), declaredLength: bytes.count)
    }

    /// Collects the whole body (once; a second call returns the same bytes).
    public func bytes() async throws -> [UInt8] {
        if let cached = consumed.cached { return cached }
        if let declaredLength, declaredLength > limit {
            throw HTTPError(.contentTooLarge, code: "payload_too_large", message: "Request body exceeds \(limit) bytes")
        }
        let bytes = try await stream.collect(upTo: limit)
        consumed.cached = bytes
        return bytes
    }
}

private final class ConsumedFlag: Sendable {
    private let value = Mutex<[UInt8]?>(nil)
    var cached: [UInt8]? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
