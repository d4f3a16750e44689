import Fetch
import Foundation
import Testing

@Suite("Timeouts")
struct TimeoutTests {
    @Test("connect timeout fires against a port whose accept queue is full")
    func connect() async throws {
        try await withUpstream { upstream, client in
            var request = FetchRequest(url: "http://127.0.0.1:\(upstream.blackholePort)/")
            request.timeouts.connect = .milliseconds(300)
            let start = ContinuousClock.now
            let error = await #expect(throws: FetchError.self) { try await client.fetch(request) }
            #expect(error?.kind == .timeout(.connect))
            #expect(error?.httpStatus == 504)
            #expect(error?.envelopeCode == "upstream_timeout")
            #expect(ContinuousClock.now - start < .seconds(2))
        }
    }

    @Test("first-byte timeout fires when the upstream never answers, and closes the connection")
    func firstByte() async throws {
        try await withUpstream { upstream, client in
            var request = FetchRequest(url: upstream.url("/stall?phase=head&seconds=10&tag=fb"))
            request.timeouts.firstByte = .milliseconds(300)
            let start = ContinuousClock.now
            let error = await #expect(throws: FetchError.self) { try await client.fetch(request) }
            #expect(error?.kind == .timeout(.firstByte))
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(2))
            #expect(await upstream.waitForLine("closed fb", timeout: .seconds(2)) != nil)
        }
    }

    @Test("idle timeout fires when a started body stalls")
    func idle() async throws {
        try await withUpstream { upstream, client in
            var request = FetchRequest(url: upstream.url("/stall?phase=body&seconds=10&tag=idle"))
            request.timeouts.idle = .milliseconds(300)
            let response = try await client.fetch(request)
            var events: [String] = []
            let error = await #expect(throws: FetchError.self) {
                for try await event in response.body.sseEvents() { events.append(event.data) }
            }
            #expect(events == ["first"])
            #expect(error?.kind == .timeout(.idle))
            #expect(await upstream.waitForLine("closed idle", timeout: .seconds(2)) != nil)
        }
    }

    @Test("total timeout ends a long stream")
    func total() async throws {
        try await withUpstream { upstream, client in
            var request = FetchRequest(url: upstream.url("/sse?n=100&delay=0.1&tag=total"))
            request.timeouts.total = .milliseconds(500)
            let start = ContinuousClock.now
            let response = try await client.fetch(request)
            var count = 0
            let error = await #expect(throws: FetchError.self) {
                for try await _ in response.body.sseEvents() { count += 1 }
            }
            #expect(error?.kind == .timeout(.total))
            #expect(count >= 2 && count <= 7)
            #expect(ContinuousClock.now - start < .milliseconds(1500))
        }
    }

    @Test("a stream with only an idle limit runs past it as long as bytes keep coming")
    func idleResetsOnData() async throws {
        try await withUpstream { upstream, client in
            var request = FetchRequest(url: upstream.url("/sse?n=8&delay=0.1&tag=alive"))
            request.timeouts.idle = .milliseconds(300)
            let response = try await client.fetch(request)
            var count = 0
            for try await _ in response.body.sseEvents() { count += 1 }
            #expect(count == 8)
        }
    }
}
