import EdgeTesting
import Testing
@testable import Functions

/// `GET /hello/cron`: a scheduler call adds one to the KV counter; a plain request only reads it.
@Test func helloCronCountsScheduledCallsOnly() async throws {
    let client = try Deployment.client()
    #expect(await client.send(.get, "/hello/cron").text == "0")
    #expect(await client.cron("/hello/cron").text == "1")
    #expect(await client.cron("/hello/cron").text == "2")
    #expect(await client.send(.get, "/hello/cron").text == "2")
    #expect(try await client.kv.get(["hello", "cron-runs"]).value == .u64(2))
}
