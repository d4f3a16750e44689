/// An incremental Server-Sent Events parser: feed it bytes in chunks of any size, get events.
///
/// Follows the WHATWG event-stream interpretation: lines end in `\r\n`, `\n` or `\r` (also when the
/// `\r` and `\n` arrive in different chunks); a leading UTF-8 BOM is skipped; lines starting with `:`
/// are comments and ignored; `field: value` loses one space after the colon; `data` lines are joined
/// with `\n`; a blank line dispatches the event unless it has no `data` line; `id` values containing
/// NUL are ignored; `retry` is kept only when it is all ASCII digits; unknown fields are ignored.
/// Bytes after the last blank line are an incomplete event and are never dispatched.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    /// BOM bytes matched at the start of the stream; -1 once the start is past.
    private var bomMatched = 0
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: String?
    private var blockID: String?
    private var retry: Int?
    /// The spec's "last event ID": the most recent `id:` seen, persisting across events.
    public private(set) var lastEventID = ""

    public init() {}

    /// Consumes `bytes`, returning the events completed by them, in order.
    /// - Throws: ``FetchError/Kind/invalidResponse`` if a line exceeds ``FetchLimits/maxSSELineBytes``.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(FetchError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if bomMatched >= 0 {
                if byte == Self.bom[bomMatched] {
                    bomMatched += 1
                    if bomMatched == Self.bom.count { bomMatched = -1 }
                    continue
                }
                let partial = Self.bom[0..<bomMatched]
                bomMatched = -1
                for b in partial { try process(b, into: &events) }
            }
            try process(byte, into: &events)
        }
        return events
    }

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    private mutating func process(_ byte: UInt8, into events: inout [SSEEvent]) throws(FetchError) {
        switch byte {
        case UInt8(ascii: "\n"):
            if lastWasCR { lastWasCR = false; return }
            if let event = endLine() { events.append(event) }
        case UInt8(ascii: "\r"):
            lastWasCR = true
            if let event = endLine() { events.append(event) }
        default:
            lastWasCR = false
            line.append(byte)
            if line.count > FetchLimits.maxSSELineBytes {
                throw FetchError(.invalidResponse, message: "SSE line longer than \(FetchLimits.maxSSELineBytes) bytes")
            }
        }
    }

    private mutating func endLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line[0] == UInt8(ascii: ":") { return nil }
        let field: [UInt8]
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = Array(line[..<colon])
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line
            value = []
        }
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            data.append(contentsOf: value)
            data.append(UInt8(ascii: "\n"))
            hasData = true
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) {
                let id = String(decoding: value, as: UTF8.self)
                blockID = id
                lastEventID = id
            }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 48 && $0 <= 57 }), let ms = Int(String(decoding: value, as: UTF8.self)) {
                retry = ms
            }
        default:
            break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
            blockID = nil
            retry = nil
        }
        guard hasData else { return nil }
        if data.last == UInt8(ascii: "\n") { data.removeLast() }
        return SSEEvent(event: eventType, data: String(decoding: data, as: UTF8.self), id: blockID, retry: retry)
    }
}
