/// An ordered list of HTTP header fields. Names compare case-insensitively; order and duplicates are kept.
public struct FetchHeaders: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    public typealias Field = (name: String, value: String)

    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value for `name`, or `nil`.
    public subscript(_ name: String) -> String? {
        let key = name.lowercasedASCII
        return fields.first { $0.name.lowercasedASCII == key }?.value
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        let key = name.lowercasedASCII
        return fields.filter { $0.name.lowercasedASCII == key }.map(\.value)
    }

    public mutating func append(name: String, value: String) { fields.append((name: name, value: value)) }

    /// Removes every field called `name`.
    public mutating func remove(_ name: String) {
        let key = name.lowercasedASCII
        fields.removeAll { $0.name.lowercasedASCII == key }
    }

    public var count: Int { fields.count }
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (lhs: FetchHeaders, rhs: FetchHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}

extension StringProtocol {
    /// ASCII-only lowercasing, enough for header names and cheaper than `lowercased()`.
    var lowercasedASCII: String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
