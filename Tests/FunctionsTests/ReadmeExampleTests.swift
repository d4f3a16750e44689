import EdgeTesting
import Testing
@testable import Functions

/// README's "Testing your functions" example, verbatim, so the documented API keeps compiling and working.
@Test func sessionsExpireWithoutSleeping() async throws {
    let clock = ManualKvClock()
    let client = try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps,
                                env: ["SESSION_TTL_SEC": "60"], clock: clock)
    #expect(await client.send(.put, "/api/sessions/t", json: #"{"state":{"savedAt":1}}"#).status == 204)
    clock.advance(by: 60_001)
    #expect(await client.send(.get, "/api/sessions/t").status == 404)
}
