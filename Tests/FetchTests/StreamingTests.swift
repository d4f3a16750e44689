import Fetch
import Foundation
import Testing

@Suite("Streaming responses")
struct StreamingTests {
    @Test("each SSE event is delivered while the upstream is still sending")
    func eventsArriveAsSent() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(upstream.url("/sse?n=4&delay=1.0&tag=live"))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/event-stream")
            let headAt = ContinuousClock.now
            var arrivals: [ContinuousClock.Instant] = []
            var events: [SSEEvent] = []
            for try await event in response.body.sseEvents() {
                arrivals.append(.now)
                events.append(event)
                // The upstream has not sent the next event yet when this one arrives.
                #expect(!upstream.log.contains("sent live \(events.count)"))
            }
            #expect(events.map(\.data) == ["event 0", "event 1", "event 2", "event 3"])
            #expect(events.map(\.id) == ["0", "1", "2", "3"])
            // Scheduling noise on a loaded 2-core box can bunch two arrivals, so check the spread, not each gap
            // (the per-event "not yet sent" check above is the exact property).
            #expect(arrivals[0] - headAt < .milliseconds(900))
            #expect(arrivals[3] - arrivals[0] > .milliseconds(2000))
            #expect(await upstream.waitForLine("done live") != nil)
        }
    }

    @Test("an SSE transform is a map over sseEvents() that re-encodes each event")
    func transform() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(upstream.url("/sse?n=3&delay=0.01"))
            let transformed = response.body.sseEvents().map { event in
                var event = event
                event.data = event.data.uppercased()
                return event.encoded()
            }
            var parser = SSEParser()
            var out: [SSEEvent] = []
            for try await bytes in transformed { out += try parser.feed(bytes) }
            #expect(out == [SSEEvent(data: "EVENT 0", id: "0"), SSEEvent(data: "EVENT 1", id: "1"), SSEEvent(data: "EVENT 2", id: "2")])
        }
    }

    @Test("a large body arrives complete and in order")
    func largeBody() async throws {
        try await withUpstream { upstream, client in
            let size = 8 * 1024 * 1024
            let response = try await client.fetch(upstream.url("/big?size=\(size)"))
            #expect(response.headers["content-length"] == "\(size)")
            let bytes = try await response.body.bytes(upTo: size)
            #expect(bytes.count == size)
            #expect(stride(from: 0, to: size, by: 499).allSatisfy { bytes[$0] == UInt8($0 % 251) })
        }
    }

    @Test("bytes(upTo:) throws tooLarge and aborts the transfer")
    func tooLarge() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(upstream.url("/big?size=64000000&tag=big"))
            await #expect { try await response.body.bytes(upTo: 1000) } throws: { ($0 as? FetchError)?.kind == .tooLarge }
            #expect(await upstream.waitForLine("closed big", timeout: .seconds(2)) != nil)
        }
    }

    @Test("an upstream that disconnects mid-stream ends the body with connectionClosed, never a hang")
    func midStreamDisconnect() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(upstream.url("/drop?n=2&delay=0.05&tag=drop"))
            var received: [String] = []
            let error = await #expect(throws: FetchError.self) {
                for try await event in response.body.sseEvents() { received.append(event.data) }
            }
            #expect(received == ["event 0", "event 1"])
            #expect(error?.kind == .connectionClosed)
            #expect(error?.httpStatus == 502)
            #expect(error?.envelopeCode == "upstream_error")
        }
    }

    @Test("HTTP error statuses are responses, HEAD has no body, and keep-alive reuses the connection")
    func statusesAndReuse() async throws {
        try await withUpstream { upstream, client in
            let notFound = try await client.fetch(upstream.url("/status?code=404&tag=a"))
            #expect(notFound.status == 404)
            #expect(try await notFound.body.text() == "status body")
            let head = try await client.fetch(FetchRequest(url: upstream.url("/status?code=200&tag=b"), method: "HEAD"))
            #expect(head.status == 200)
            #expect(try await head.body.bytes().isEmpty)
            let again = try await client.fetch(upstream.url("/status?code=201&tag=c"))
            #expect(try await again.body.text() == "status body")
            #expect(upstream.log.filter { $0.hasPrefix("accept") }.count == 1)
        }
    }

    @Test("many concurrent streams share the one curl thread")
    func concurrentStreams() async throws {
        try await withUpstream { upstream, client in
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<30 {
                    group.addTask {
                        let response = try await client.fetch(upstream.url("/sse?n=4&delay=0.5&tag=c\(i)"))
                        var count = 0
                        for try await _ in response.body.sseEvents() { count += 1 }
                        return count
                    }
                }
                var total = 0
                for try await count in group { total += count }
                #expect(total == 120)
            }
            // Each stream lasts 1.5 s; they must run side by side (not one after another).
            #expect(ContinuousClock.now - start < .milliseconds(2500))
        }
    }
}
