import Fetch
import Testing

@Suite("SSE parser and writer")
struct SSEParserTests {
    private func parse(_ chunks: [String]) throws -> [SSEEvent] {
        var parser = SSEParser()
        return try chunks.flatMap { try parser.feed(Array($0.utf8)) }
    }

    @Test("LF, CRLF and CR line endings", arguments: ["\n", "\r\n", "\r"])
    func lineEndings(eol: String) throws {
        let text = "event: a\(eol)data: one\(eol)data: two\(eol)\(eol)data: three\(eol)\(eol)"
        #expect(try parse([text]) == [SSEEvent(event: "a", data: "one\ntwo"), SSEEvent(data: "three")])
    }

    @Test("any split point gives the same events")
    func splitAnywhere() throws {
        let text = "\u{FEFF}: comment\r\nid: 7\r\nevent: delta\r\ndata: {\"x\": 1}\r\nretry: 1500\r\n\r\ndata:no-space\r\rdata\n\n"
        let bytes = Array(text.utf8)
        let expected = [SSEEvent(event: "delta", data: "{\"x\": 1}", id: "7", retry: 1500),
                        SSEEvent(data: "no-space"), SSEEvent(data: "")]
        #expect(try parse([text]) == expected)
        for cut in 1..<bytes.count {
            var parser = SSEParser()
            let events = try parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...])
            #expect(events == expected, "split at \(cut)")
        }
        for size in [1, 2, 3] {
            var parser = SSEParser()
            var events: [SSEEvent] = []
            var i = 0
            while i < bytes.count { events += try parser.feed(bytes[i..<min(i + size, bytes.count)]); i += size }
            #expect(events == expected)
        }
    }

    @Test("comments, blocks without data, bad retry, NUL in id, unknown fields")
    func edgeCases() throws {
        var parser = SSEParser()
        let events = try parser.feed(Array(": ping\n\nid: 1\n\nretry: 12a\nfoo: bar\ndata: x\n\nid: a\u{0}b\ndata: y\n\ndata: incomplete".utf8))
        #expect(events == [SSEEvent(data: "x"), SSEEvent(data: "y")])
        #expect(parser.lastEventID == "1")
    }

    @Test("encoded events parse back to themselves")
    func roundTrip() throws {
        let events = [SSEEvent(event: "update", data: "line1\nline2\r\nline3", id: "42", retry: 10), SSEEvent(data: ""),
                      SSEEvent(data: "  spaced  ")]
        var parser = SSEParser()
        let parsed = try parser.feed(events.flatMap { $0.encoded() })
        #expect(parsed.map(\.data) == ["line1\nline2\nline3", "", "  spaced  "])
        #expect(parsed[0].event == "update" && parsed[0].id == "42" && parsed[0].retry == 10)
        #expect(try SSEParser().feedingAll(SSEWriter.comment("keep-alive")).isEmpty)
    }
}

extension SSEParser {
    fileprivate func feedingAll(_ bytes: [UInt8]) throws -> [SSEEvent] {
        var copy = self
        return try copy.feed(bytes)
    }
}
