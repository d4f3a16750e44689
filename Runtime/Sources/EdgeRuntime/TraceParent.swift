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
        guard let header else { return nil }
        let b = Array(header.utf8)
        guard b.count >= 55, Self.isHex(b[0..<2]), Self.isHex(b[3..<35]), Self.isHex(b[36..<52]), Self.isHex(b[53..<55]),
              b[2] == UInt8(ascii: "-"), b[35] == UInt8(ascii: "-"), b[52] == UInt8(ascii: "-") else { return nil }
        let version = b[0..<2]
        if version.elementsEqual("ff".utf8) { return nil }
        if version.elementsEqual("00".utf8) {
            guard b.count == 55 else { return nil }
        } else if b.count > 55, b[55] != UInt8(ascii: "-") {
            return nil
        }
        guard b[3..<35].contains(where: { $0 != UInt8(ascii: "0") }), b[36..<52].contains(where: { $0 != UInt8(ascii: "0") }) else {
            return nil
        }
        traceId = String(decoding: b[3..<35], as: UTF8.self)
        parentId = String(decoding: b[36..<52], as: UTF8.self)
        flags = String(decoding: b[53..<55], as: UTF8.self)
    }

    /// The trace id of `header` when it is a valid `traceparent`, else nil.
    package static func traceId(_ header: String?) -> String? {
        TraceParent(header)?.traceId
    }

    /// The header a call made on this trace's behalf carries without a tracer: version `00`, the same trace
    /// id and flags, and a new random parent id (the span of the call, which nothing records).
    package func child() -> String {
        "00-\(traceId)-\(Self.newSpanId())-\(flags)"
    }

    /// 8 random bytes as 16 lowercase hex digits, never all zero.
    package static func newSpanId() -> String {
        var id: UInt64 = 0
        while id == 0 { id = UInt64.random(in: 1...UInt64.max) }
        let hex = String(id, radix: 16)
        return String(repeating: "0", count: 16 - hex.utf8.count) + hex
    }

    private static func isHex(_ s: ArraySlice<UInt8>) -> Bool {
        s.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
