/// Route parameters captured from `[name]`, `[...name]` and `[[...name]]` folders.
/// Catch-all values are the matched segments joined with `/` (see ``segments(_:)``).
public struct Parameters: Sendable, Equatable {
    public private(set) var values: [String: String] = [:]

    public init(_ values: [String: String] = [:]) { self.values = values }

    public subscript(name: String) -> String? { values[name] }

    public mutating func set(_ name: String, _ value: String) { values[name] = value }

    /// The value, or 400 `missing_parameter` when absent.
    public func require(_ name: String) throws -> String {
        guard let v = values[name] else {
            throw HTTPError(.badRequest, code: "missing_parameter", message: "Missing route parameter '\(name)'")
        }
        return v
    }

    /// A catch-all parameter split back into its segments (empty for an unmatched optional catch-all).
    public func segments(_ name: String) -> [String] {
        guard let v = values[name], !v.isEmpty else { return [] }
        return v.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }
}
