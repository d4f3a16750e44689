import Fetch
import Foundation
import Testing

@Suite("Cancellation reaches the upstream")
struct CancellationTests {
    @Test("cancelling the consuming task closes the upstream connection within 1 s")
    func taskCancellation() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(upstream.url("/sse?n=1000&delay=0.05&tag=cancel"))
            let consumer = Task {
                var count = 0
                do {
                    for try await _ in response.body.sseEvents() { count += 1 }
                    return (count, FetchError?.none)
                } catch {
                    return (count, error as? FetchError)
                }
            }
            #expect(await upstream.waitForLine("sent cancel 3") != nil)
            let cancelledAt = ContinuousClock.now
            consumer.cancel()
            let (count, error) = await consumer.value
            #expect(count >= 1)
            #expect(error?.kind == .aborted)
            let closedAt = try #require(await upstream.waitForLine("closed cancel", timeout: .seconds(3)))
            #expect(closedAt - cancelledAt < .seconds(1))
        }
    }

    @Test("breaking out of the loop (dropping the iterator) closes the upstream within 1 s")
    func droppingIterator() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(upstream.url("/sse?n=1000&delay=0.05&tag=drop-it"))
            for try await event in response.body.sseEvents() where event.id == "2" { break }
            let stoppedAt = ContinuousClock.now
            let closedAt = try #require(await upstream.waitForLine("closed drop-it", timeout: .seconds(3)))
            #expect(closedAt - stoppedAt < .seconds(1))
            _ = response  // the response (and its body) is still alive: the iterator alone decided
        }
    }

    @Test("dropping an unread response aborts the transfer")
    func droppingUnreadBody() async throws {
        try await withUpstream { upstream, client in
            do {
                let response = try await client.fetch(upstream.url("/sse?n=1000&delay=0.05&tag=unread"))
                #expect(response.status == 200)
            }
            let droppedAt = ContinuousClock.now
            let closedAt = try #require(await upstream.waitForLine("closed unread", timeout: .seconds(3)))
            #expect(closedAt - droppedAt < .seconds(1))
        }
    }

    @Test("cancelling while waiting for the head throws aborted and closes the connection")
    func cancelBeforeHead() async throws {
        try await withUpstream { upstream, client in
            let task = Task { try await client.fetch(upstream.url("/stall?phase=head&seconds=10&tag=early")) }
            #expect(await upstream.waitForLine("request early") != nil)
            let cancelledAt = ContinuousClock.now
            task.cancel()
            let result = await task.result
            #expect(ContinuousClock.now - cancelledAt < .seconds(1))
            #expect(throws: FetchError.self) { try result.get() }
            if case .failure(let error as FetchError) = result { #expect(error.kind == .aborted) }
            let closedAt = try #require(await upstream.waitForLine("closed early", timeout: .seconds(3)))
            #expect(closedAt - cancelledAt < .seconds(1))
        }
    }

    @Test("shutdown fails streams in flight and later fetches")
    func shutdown() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(upstream.url("/sse?n=1000&delay=0.05&tag=shut"))
            var iterator = response.body.makeAsyncIterator()
            _ = try await iterator.next()
            client.shutdown()
            let error = await #expect(throws: FetchError.self) { while try await iterator.next() != nil {} }
            #expect(error?.kind == .aborted)
            let late = await #expect(throws: FetchError.self) { try await client.fetch(upstream.url("/status")) }
            #expect(late?.kind == .aborted)
            #expect(await upstream.waitForLine("closed shut", timeout: .seconds(3)) != nil)
        }
    }
}
