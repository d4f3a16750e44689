import Fetch
import Foundation
import Testing

@Suite("Back-pressure")
struct BackPressureTests {
    @Test("a slow consumer pauses the transfer and keeps the buffer bounded")
    func slowConsumerIsBounded() async throws {
        try await withUpstream { upstream, client in
            let size = 32 * 1024 * 1024
            let response = try await client.fetch(upstream.url("/big?size=\(size)&tag=slow"))
            // Do not read for a while: the buffer fills to the high-water mark, then curl is paused.
            try await Task.sleep(for: .milliseconds(500))
            let bound = FetchLimits.responseBufferHighWater + FetchLimits.curlBufferSize
            #expect(response.body.isPaused)
            #expect(response.body.bufferedByteCount >= FetchLimits.responseBufferHighWater)
            #expect(response.body.bufferedByteCount <= bound)
            #expect(!upstream.log.contains { $0.hasPrefix("bigdone slow") }, "the upstream could not finish: it is throttled by TCP")

            // Read slowly at first, watching the buffer, then drain everything and check integrity.
            var total = 0
            var maxBuffered = 0
            var ok = true
            var chunks = 0
            for try await chunk in response.body {
                // Sampled check (a per-byte loop over 32 MiB is slow in debug builds).
                for i in stride(from: 0, to: chunk.count, by: 997) where chunk[i] != UInt8((total + i) % 251) { ok = false }
                total += chunk.count
                chunks += 1
                maxBuffered = max(maxBuffered, response.body.bufferedByteCount)
                if chunks < 20 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(total == size)
            #expect(ok, "byte pattern mismatch")
            #expect(maxBuffered <= bound)
            #expect(await upstream.waitForLine("bigdone slow") != nil)
        }
    }

    @Test("time spent paused does not count as idle")
    func pausedIsNotIdle() async throws {
        try await withUpstream { upstream, client in
            var request = FetchRequest(url: upstream.url("/big?size=8000000&tag=pidle"))
            request.timeouts.idle = .milliseconds(300)
            let response = try await client.fetch(request)
            try await Task.sleep(for: .milliseconds(900))
            #expect(response.body.isPaused)
            #expect(try await response.body.bytes(upTo: 8_000_000).count == 8_000_000)
        }
    }

    @Test("a fast consumer gets each socket read as one chunk, never more than the delivery size")
    func piecesOfOneReadArriveTogether() async throws {
        try await withUpstream { upstream, client in
            let size = 16 * 1024 * 1024
            let response = try await client.fetch(upstream.url("/big?size=\(size)&tag=pieces"))
            var total = 0, largest = 0, chunks = 0
            for try await chunk in response.body {
                total += chunk.count
                largest = max(largest, chunk.count)
                chunks += 1
            }
            #expect(total == size)
            #expect(largest <= FetchLimits.maxDeliveredChunk)
            // libcurl hands its write callback at most 64 KiB at a time; delivering each piece on its own
            // (a consumer wake-up and a socket write downstream per 64 KiB) never makes a larger chunk.
            #expect(largest > 64 * 1024, "largest chunk \(largest) bytes in \(chunks) chunks")
        }
    }
}
