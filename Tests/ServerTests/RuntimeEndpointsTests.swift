import EdgeRuntime
import EdgeTesting
import Testing

/// The runtime's `/__edge/` endpoints through the router: credential first, then the method.
@Suite struct RuntimeEndpointsTests {
    static let env = ["EDGE_ADMIN_TOKEN": "runtime-token"]

    /// Found by the OpenAPI fuzz run (conformance/openapi): `TRACE /__edge/crons` answered 404 as if the
    /// endpoint did not exist. A known endpoint with another method is 405 with `Allow`, like a route.
    @Test func anotherMethodOnAKnownEndpointIs405WithAllow() async throws {
        let c = try TestClient(routes: [], env: Self.env)
        for method in [HTTPRequest.Method.post, .delete, .put, HTTPRequest.Method("TRACE")!] {
            let r = await c.send(method, "/__edge/crons", headers: ["x-admin-token": "runtime-token"])
            #expect(r.status == 405, "\(method)")
            #expect(r.headers[.allow] == "GET")
            #expect(r.code == "method_not_allowed")
            #expect(r.headers[HTTPField.Name("x-request-id")!] != nil)
        }
        #expect(await c.send(.get, "/__edge/crons", headers: ["x-admin-token": "runtime-token"]).status == 200)
        #expect(await c.send(.get, "/__edge/nothing", headers: ["x-admin-token": "runtime-token"]).status == 404)
    }

    /// The credential is checked before the method: without it, any method is 401 and reveals nothing.
    @Test func theCredentialComesBeforeTheMethod() async throws {
        let c = try TestClient(routes: [], env: Self.env)
        #expect(await c.send(.post, "/__edge/crons").status == 401)
        #expect(await c.send(.post, "/__edge/crons", headers: ["x-admin-token": "wrong"]).status == 401)
    }
}
