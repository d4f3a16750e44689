/// One Server-Sent Event (WHATWG HTML, "Server-sent events", event stream interpretation).
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field of this block; `nil` means the default type `message`.
    public var event: String?
    /// The `data:` lines joined with `\n` (no trailing newline).
    public var data: String
    /// The `id:` field *of this block*, `nil` if the block had none. (The spec's "last event ID",
    /// which persists across blocks, is ``SSEParser/lastEventID``.) An empty string resets the ID.
    public var id: String?
    /// The `retry:` field in milliseconds, when the block had a valid one.
    public var retry: Int?

    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// The wire form: `event:`, `id:`, `retry:`, one `data:` line per line of ``data`` (split on
    /// `\r\n`, `\n` and `\r`), then a blank line. Parsing the result yields `self` again.
    public func encoded() -> [UInt8] {
        var out = ""
        if let event { out += "event: \(event)\n" }
        if let id { out += "id: \(id)\n" }
        if let retry { out += "retry: \(retry)\n" }
        for line in SSEEvent.lines(of: data) { out += "data: \(line)\n" }
        out += "\n"
        return Array(out.utf8)
    }

    private static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "\n" || c == "\r" || c == "\r\n" {
                lines.append(text[start..<i])
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        lines.append(text[start...])
        return lines
    }
}
