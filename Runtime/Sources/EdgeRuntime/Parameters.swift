/// Route parameters captured from `[name]`, `[...name]` and `[[...name]]` folders.
/// Catch-all values are the matched segments joined with `/` (see ``segments(_:)``).
public struct Parameters: Sendable, Equatable {
    /// One per name. A route has a parameter or two: found by a linear scan, with no dictionary to build
    /// per request.
    private var pairs: [Pair]
    private struct Pair: Sendable {
        let name: String
        var value: String
    }

    /// The parameters by name.
    public var values: [String: String] {
        var d: [String: String] = [:]
        for pair in pairs { d[pair.name] = pair.value }
        return d
    }

    public init(_ values: [String: String] = [:]) { pairs = values.map { Pair(name: $0.key, value: $0.value) } }

    /// Parameters from name-value pairs; a later pair replaces an earlier one of the same name.
    package init(pairs: [(name: String, value: String)]) {
        self.pairs = []
        self.pairs.reserveCapacity(pairs.count)
        for (name, value) in pairs { set(name, value) }
    }

    public subscript(name: String) -> String? {
        for pair in pairs where pair.name == name { return pair.value }
        return nil
    }

    public mutating func set(_ name: String, _ value: String) {
        if let i = pairs.firstIndex(where: { $0.name == name }) { pairs[i].value = value } else { pairs.append(Pair(name: name, value: value)) }
    }

    /// Equal when they hold the same names with the same values, in any order.
    public static func == (a: Parameters, b: Parameters) -> Bool {
        a.pairs.count == b.pairs.count && a.pairs.allSatisfy { b[$0.name] == $0.value }
    }

    /// The value, or 400 `missing_parameter` when absent.
    public func require(_ name: String) throws -> String {
        guard let v = self[name] else {
            throw HTTPError(.badRequest, code: "missing_parameter", message: "Missing route parameter '\(name)'")
        }
        return v
    }

    /// A catch-all parameter split back into its segments (empty for an unmatched optional catch-all).
    public func segments(_ name: String) -> [String] {
        guard let v = self[name], !v.isEmpty else { return [] }
        return v.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }
}
