/// Whether the bytes so far end between two SSE events (a blank line: `\n\n`, `\r\r` or `\r\n\r\n`).
struct EventBoundary {
    private var tail: [UInt8] = []
    private(set) var isBetweenEvents = true

    mutating func advance(over chunk: [UInt8]) {
        tail = Array((tail + chunk.suffix(4)).suffix(4))
        isBetweenEvents = tail.suffix(2) == [10, 10] || tail.suffix(2) == [13, 13] || tail == [13, 10, 13, 10]
    }
}
