import EdgeTesting
import Testing
@testable import Functions

/// `GET /hello/kv` reads its greeting from KV: written on first use, and whatever is stored after that.
@Test func helloKVReadsTheGreetingFromKV() async throws {
    let client = try Deployment.client()
    #expect(await client.send(.get, "/hello/kv").text == "Hello, world!")
    #expect(try await client.kv.get(["hello", "greeting"]).value == "Hello, world!")
    try await client.kv.set(["hello", "greeting"], "Bonjour")
    #expect(await client.send(.get, "/hello/kv").text == "Bonjour")
}
