/// Which keys a `list` visits.
///
/// - `prefix(p)`: the range `[p+0x00, p+0xFF)`: strict extensions of `p` only; the prefix key
///   itself is never returned; `prefix([])` lists everything.
/// - `prefixStart(p, start)`: `[start, p+0xFF)`; `start` must strictly extend `p` (bytewise on the
///   encodings), else "Start key is not in the keyspace defined by prefix".
/// - `prefixEnd(p, end)`: `[p+0x00, end)`; same rule ("End key is not in the keyspace …").
/// - `range(start, end)`: `[start, end)`, may cross depths; `start > end` is an error
///   ("Start key is greater than end key"); `start == end` is empty.
///
/// The keyspace and ordering errors are raised when iteration starts, as in Deno.
public enum KvListSelector: Sendable, Hashable {
    case prefix(KvKey)
    case prefixStart(prefix: KvKey, start: KvKey)
    case prefixEnd(prefix: KvKey, end: KvKey)
    case range(start: KvKey, end: KvKey)

    /// Builds a selector from Deno's object shape `{prefix?, start?, end?}`, with Deno's errors.
    public init(prefix: KvKey?, start: KvKey?, end: KvKey?) throws(KvError) {
        switch (prefix, start, end) {
        case (let p?, nil, nil): self = .prefix(p)
        case (let p?, let s?, nil): self = .prefixStart(prefix: p, start: s)
        case (let p?, nil, let e?): self = .prefixEnd(prefix: p, end: e)
        case (.some, .some, .some):
            throw KvError(.invalidSelector, "Selector can not specify both 'start' and 'end' key when specifying 'prefix'")
        case (nil, let s?, let e?): self = .range(start: s, end: e)
        default:
            throw KvError(.invalidSelector, "Selector must specify either 'prefix' or both 'start' and 'end' key")
        }
    }

    /// Resolves to byte bounds (denokv's `RawSelector`), validating the keyspace rules.
    package func resolve() throws(KvError) -> KvResolvedSelector {
        switch self {
        case .prefix(let p):
            let pb = try KeyCodec.encode(p)
            return KvResolvedSelector(prefix: pb, start: nil, end: nil)
        case .prefixStart(let p, let s):
            let pb = try KeyCodec.encode(p), sb = try KeyCodec.encode(s)
            guard sb.starts(with: pb), sb.count != pb.count else {
                throw KvError(.startOutsidePrefix, "Start key is not in the keyspace defined by prefix")
            }
            return KvResolvedSelector(prefix: pb, start: sb, end: nil)
        case .prefixEnd(let p, let e):
            let pb = try KeyCodec.encode(p), eb = try KeyCodec.encode(e)
            guard eb.starts(with: pb), eb.count != pb.count else {
                throw KvError(.endOutsidePrefix, "End key is not in the keyspace defined by prefix")
            }
            return KvResolvedSelector(prefix: pb, start: nil, end: eb)
        case .range(let s, let e):
            let sb = try KeyCodec.encode(s), eb = try KeyCodec.encode(e)
            guard !eb.lexicographicallyPrecedes(sb) else {
                throw KvError(.startGtEnd, "Start key is greater than end key")
            }
            return KvResolvedSelector(prefix: nil, start: sb, end: eb)
        }
    }
}

/// A selector in encoded form: the byte range it covers and the common prefix its cursors are relative to.
package struct KvResolvedSelector: Sendable, Hashable {
    /// The encoded prefix (prefix selectors only).
    public let prefix: [UInt8]?
    /// Explicit start / end bounds, if given.
    public let start: [UInt8]?
    public let end: [UInt8]?

    /// First key of the range (inclusive).
    public var rangeStart: [UInt8] { start ?? (prefix! + [0x00]) }
    /// End of the range (exclusive).
    public var rangeEnd: [UInt8] { end ?? (prefix! + [0xFF]) }

    /// The bytes every key of the range starts with; cursors are the rest of the last key.
    public var commonPrefix: [UInt8] {
        if let prefix { return prefix }
        let s = start!, e = end!
        var n = 0
        while n < s.count, n < e.count, s[n] == e[n] { n += 1 }
        return Array(s[0..<n])
    }

    /// Deno's cursor for a boundary key: base64url (padded) of the key minus the common prefix.
    public func cursor(after encodedKey: [UInt8]) -> String {
        let cp = commonPrefix
        let rest = encodedKey.starts(with: cp) ? Array(encodedKey[cp.count...]) : encodedKey
        return Base64URL.encode(rest, padding: true)
    }

    /// The byte range to read for a page, given an optional cursor (denokv's `decode_selector_and_cursor`).
    public func bounds(reverse: Bool, cursor: String?) throws(KvError) -> (start: [UInt8], end: [UInt8]) {
        guard let cursor, !cursor.isEmpty else { return (rangeStart, rangeEnd) }
        guard let c = Base64URL.decode(cursor, canonical: true) else { throw KvError(.invalidCursor, "invalid cursor") }
        let first: [UInt8], last: [UInt8]
        if reverse {
            first = rangeStart
            last = commonPrefix + c
        } else {
            first = commonPrefix + c + [0x00]
            last = rangeEnd
        }
        if let start, first.lexicographicallyPrecedes(start) { throw KvError(.cursorOutOfBounds, "cursor out of bounds") }
        if let end, end.lexicographicallyPrecedes(last) { throw KvError(.cursorOutOfBounds, "cursor out of bounds") }
        return (first, last)
    }
}
