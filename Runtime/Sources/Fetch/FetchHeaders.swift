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
        fields.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }

    public mutating func append(name: String, value: String) { fields.append((name: name, value: value)) }

    /// Removes every field called `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
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

extension String {
    /// Equal once ASCII letters are lowercased on both sides (header names), without making either copy.
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        var a = utf8.makeIterator(), b = other.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?):
                if x != y, Self.lowerASCII(x) != Self.lowerASCII(y) { return false }
            default: return false
            }
        }
    }

    private static func lowerASCII(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
}

extension StringProtocol {
    /// ASCII-only lowercasing, enough for header names and cheaper than `lowercased()`.
    var lowercasedASCII: String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
