import Testing
@testable import Server

/// The framing follower behind the early 413: the same announcements however the bytes are split.
@Suite struct ChunkSizeTrackerTests {
    typealias A = ChunkSizeTracker.Announcement

    /// Feeds `text` in pieces of `step` bytes; the announcements and the tracker.
    static func follow(_ text: String, step: Int) -> ([A], ChunkSizeTracker) {
        var tracker = ChunkSizeTracker()
        var out: [A] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i..<min(bytes.count, i + step)])
            piece.withUnsafeBytes { tracker.scan($0, into: &out) }
            i += step
        }
        return (out, tracker)
    }

    static func everySplit(_ text: String) -> [([A], ChunkSizeTracker)] {
        [1, 2, 3, 5, 7, 64, 100_000].map { follow(text, step: $0) }
    }

    @Test func chunkHeadersAreSummedPerMessage() {
        let text = "POST /a HTTP/1.1\r\nHost: t\r\ntransfer-ENCODING:  chunked \r\n\r\n"
            + "5;ext=1\r\nhello\r\n1A\r\n" + String(repeating: "x", count: 26) + "\r\n0\r\nTrailer: 1\r\n\r\n"
            + "GET /b HTTP/1.1\r\nHost: t\r\n\r\n"
            + "POST /c HTTP/1.1\r\nHost: t\r\nContent-Length: 12\r\n\r\n5\r\n0\r\n\r\n\r\n"
            + "\r\nPOST /d HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\nabc"
        for (announcements, tracker) in Self.everySplit(text) {
            // The Content-Length body of /c looks like chunks, and is not read as chunks.
            #expect(announcements == [A(message: 0, total: 5), A(message: 0, total: 31), A(message: 3, total: 0xFFFF_FFFF)])
            #expect(tracker.messages == 4)
            #expect(tracker.state == .chunkData(0xFFFF_FFFF - 3))
        }
    }

    @Test func hugeSizesSaturate() {
        let text = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "f", count: 40) + "\r\n"
        for (announcements, _) in Self.everySplit(text) {
            #expect(announcements == [A(message: 0, total: Int.max)])
        }
    }

    @Test func framingItDoesNotFollowStopsIt() {
        let heads = [
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 5x\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked" + String(repeating: " ", count: 200) + "\r\n\r\n5\r\n",
        ]
        for head in heads {
            for (announcements, tracker) in Self.everySplit(head) {
                #expect(tracker.state == .stopped, "\(head.debugDescription)")
                #expect(announcements.count <= 1)
            }
        }
    }

    @Test func bodilessRequestsKeepItAtTheHead() {
        let text = String(repeating: "GET /hello HTTP/1.1\r\nHost: localhost:8000\r\nCookie: a=b\r\n\r\n", count: 3)
        for (announcements, tracker) in Self.everySplit(text) {
            #expect(announcements.isEmpty)
            #expect(tracker.messages == 3)
            #expect(tracker.state == .head)
        }
    }
}
