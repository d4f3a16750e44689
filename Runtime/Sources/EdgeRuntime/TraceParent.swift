package import EdgeTrace

/// A W3C Trace Context `traceparent` header: the access log's `traceId`, and what `Context.fetch` forwards.
///
/// `traceparent` is `version-traceid-parentid-flags`: 2, 32, 16 and 2 lowercase hex digits. Version
/// `ff` is invalid; version `00` is exactly those four fields (55 characters); a later version may
/// append `-…` fields, which are ignored. An all-zero trace id or parent id is invalid. Anything
/// invalid parses as nil: the access log leaves `traceId` out and nothing is forwarded (the spec:
/// restart the trace).
package struct TraceParent: Sendable, Equatable {
    /// 32 lowercase hex digits, not all zero.
    package let traceId: String
    /// The caller's span: 16 lowercase hex digits, not all zero.
    package let parentId: String
    /// 2 lowercase hex digits (`01`: sampled).
    package let flags: String

    /// The W3C header field name.
    package static let headerName = "traceparent"

    /// Parses `header`; nil when it is missing or invalid (see the type's rules).
    package init?(_ header: String?) {
        guard var header else { return nil }
        let fields: (String, String, String)? = header.withUTF8 { b in
            guard Self.isValid(b) else { return nil }
            return (Self.text(b, 3..<35), Self.text(b, 36..<52), Self.text(b, 53..<55))
        }
        guard let fields else { return nil }
        (traceId, parentId, flags) = fields
    }

    /// The trace id of `header` when it is a valid `traceparent`, else nil: the same rules as ``init(_:)``,
    /// making no string (this runs per request for the access log).
    package static func traceId(_ header: String?) -> TraceID? {
        guard var header else { return nil }
        return header.withUTF8 { b in isValid(b) ? TraceID(hex: UnsafeBufferPointer(rebasing: b[3..<35])) : nil }
    }

    /// The trace id of a `traceparent` a tracer wrote (it writes valid ones): the 32 hex digits after the
    /// version, when the separators are where they belong; nil otherwise. Not for headers a client sent
    /// (``traceId(_:)`` checks every rule): this one runs per sampled request for the access log.
    package static func traceId(writtenByTracer header: String?) -> TraceID? {
        guard var header else { return nil }
        return header.withUTF8 { b in
            b.count >= 55 && b[2] == UInt8(ascii: "-") && b[35] == UInt8(ascii: "-") && b[52] == UInt8(ascii: "-")
                ? TraceID(hex: UnsafeBufferPointer(rebasing: b[3..<35])) : nil
        }
    }

    /// Whether `b` is a valid `traceparent` (the type's rules), in one pass over its first 55 bytes.
    private static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 55 else { return false }
        var traceIdNonZero = false, parentIdNonZero = false
        for i in 0..<55 {
            let c = b[i]
            if i == 2 || i == 35 || i == 52 {
                guard c == UInt8(ascii: "-") else { return false }
                continue
            }
            guard (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) else { return false }
            if c != UInt8(ascii: "0") {
                if i >= 3 && i < 35 { traceIdNonZero = true } else if i >= 36 && i < 52 { parentIdNonZero = true }
            }
        }
        guard traceIdNonZero, parentIdNonZero else { return false }
        if b[0] == UInt8(ascii: "f") && b[1] == UInt8(ascii: "f") { return false }
        if b[0] == UInt8(ascii: "0") && b[1] == UInt8(ascii: "0") { return b.count == 55 }
        return b.count == 55 || b[55] == UInt8(ascii: "-")
    }

    private static func text(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    }

    /// The header a call made on this trace's behalf carries without a tracer: version `00`, the same trace
    /// id and flags, and a new random parent id (the span of the call, which nothing records).
    package func child() -> String {
        "00-\(traceId)-\(Self.newSpanId())-\(flags)"
    }

    /// 8 random bytes as 16 lowercase hex digits, never all zero.
    package static func newSpanId() -> String {
        let id = UInt64.random(in: 1...UInt64.max)
        return String(unsafeUninitializedCapacity: 16) { out in
            var pos = 0
            TraceID.forEachDigit(of: id) { out[pos] = $0; pos += 1 }
            return pos
        }
    }
}
