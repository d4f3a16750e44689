public import EdgeRuntime

/// A response as a test sees it: the body read to its end.
public struct TestResponse: Sendable {
    public let status: Int
    public let headers: HTTPFields
    public let body: [UInt8]
    /// The matched route pattern (nil for 404s and redirects).
    public let route: String?
    /// The app the route belongs to, and the access-log fields it and the handler added.
    public let app: String?
    public let logFields: [(String, String)]
    /// Set when a streamed body failed part-way (the bytes before it are in ``body``).
    public let streamError: (any Error)?

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: JSONValue? { try? JSON.decode(JSONValue.self, from: body) }
    /// The envelope's `error` and `code` (CONTRACTS §0.4).
    public var error: String? { json?["error"]?.stringValue }
    public var code: String? { json?["code"]?.stringValue }
    public func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
    public func logField(_ name: String) -> String? { logFields.first { $0.0 == name }?.1 }
}
