/// The trace id of a W3C Trace Context `traceparent` header, for the access log's `traceId` field.
///
/// `traceparent` is `version-traceid-parentid-flags`: 2, 32, 16 and 2 lowercase hex digits. Version
/// `ff` is invalid; version `00` is exactly those four fields (55 characters); a later version may
/// append `-…` fields, which are ignored. An all-zero trace id or parent id is invalid. Anything
/// invalid yields nil and the field is left out (the spec: restart the trace). This only reads the
/// header; it is not tracing.
enum TraceParent {
    static func traceId(_ header: String?) -> String? {
        guard let header else { return nil }
        let b = Array(header.utf8)
        guard b.count >= 55, isHex(b[0..<2]), isHex(b[3..<35]), isHex(b[36..<52]), isHex(b[53..<55]),
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
        return String(decoding: b[3..<35], as: UTF8.self)
    }

    private static func isHex(_ s: ArraySlice<UInt8>) -> Bool {
        s.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
