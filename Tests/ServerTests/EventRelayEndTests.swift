import EdgeRuntime
import EdgeTesting
import Synchronization
import Testing

/// ``StreamWriter/relayEvents(from:keepAlive:logger:onChunk:)``: the relay behind
/// `Response.eventStream(relaying:)` for producers that also watch the bytes and need to know how the
/// upstream ended (a real loopback upstream through libcurl).
@Suite struct EventRelayEndTests {
    static func upstream(drop: Bool, hold: Bool = false) async throws -> FakeUpstream {
        try await FakeUpstream.start { _, _ in
            Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .producer { w in
                try await w.write("data: a\n\n")
                try await w.write("data: b\n\n")
                if hold { try await Task.sleep(for: .seconds(30)) }
                if drop { try await w.write("data: cu"); throw CancellationError() }
            })
        }
    }

    /// Relays `url` into a writer whose bytes a second task collects; returns the end, the chunks
    /// `onChunk` saw, and the bytes written.
    static func relay(_ url: String, cancelAfter: Duration? = nil) async throws -> (EventRelayEnd?, [UInt8], [UInt8]) {
        let upstream = try await HTTPClient.shared.fetch(FetchRequest(url: url))
        let writer = StreamWriter()
        let reader = Task { () -> [UInt8] in
            var out: [UInt8] = []
            while let chunk = try? await writer.next() { out += chunk }
            return out
        }
        let relay = Task { () -> (EventRelayEnd?, [UInt8]) in
            var seen: [UInt8] = []
            let end = try? await writer.relayEvents(from: upstream.body, keepAlive: nil, logger: Logger(label: "t")) { seen += $0 }
            writer.finish()
            return (end, seen)
        }
        if let cancelAfter { try await Task.sleep(for: cancelAfter); relay.cancel() }
        let (end, seen) = await relay.value
        return (end, seen, await reader.value)
    }

    @Test func reportsANormalEndAndEveryChunk() async throws {
        let up = try await Self.upstream(drop: false)
        let (end, seen, written) = try await Self.relay(up.url("/"))
        #expect(end == .finished)
        #expect(String(decoding: written, as: UTF8.self) == "data: a\n\ndata: b\n\n")
        #expect(seen == written)
    }

    @Test func reportsAnUpstreamFailureAfterTheBytesThatArrived() async throws {
        let up = try await Self.upstream(drop: true)
        let (end, _, written) = try await Self.relay(up.url("/"))
        guard case .upstreamFailed? = end else { Issue.record("ended \(String(describing: end))"); return }
        #expect(String(decoding: written, as: UTF8.self).hasPrefix("data: a\n\ndata: b\n\n"))
    }

    @Test func reportsCancellation() async throws {
        let up = try await Self.upstream(drop: false, hold: true)
        let started = ContinuousClock.now
        let (end, _, written) = try await Self.relay(up.url("/"), cancelAfter: .milliseconds(300))
        #expect(end == .cancelled)
        #expect(String(decoding: written, as: UTF8.self) == "data: a\n\ndata: b\n\n")
        #expect(ContinuousClock.now - started < .seconds(5), "the held upstream was aborted, not awaited")
    }
}
