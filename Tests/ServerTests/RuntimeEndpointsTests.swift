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

    /// Liveness and readiness need no token (a container's HEALTHCHECK has none), and depend on no app.
    @Test func healthAndReadinessWithoutAToken() async throws {
        let c = try TestClient(routes: [], env: [:])
        let live = await c.send(.get, "/__edge/health")
        #expect(live.status == 200)
        #expect(live.text == #"{"status":"ok"}"#)
        let ready = await c.send(.get, "/__edge/ready")
        #expect(ready.status == 200)
        #expect(ready.text == #"{"status":"ready","kv":"ok"}"#)
        #expect(await c.send(.head, "/__edge/ready").status == 200)
        let post = await c.send(.post, "/__edge/ready")
        #expect(post.status == 405)
        #expect(post.headers[.allow] == "GET, HEAD")
        // The token-guarded endpoints stay guarded.
        #expect(await c.send(.get, "/__edge/crons").status == 403)
    }

    /// A store that is closed (or never opened) makes the process not ready, while it stays alive.
    @Test func aClosedStoreIsNotReady() async throws {
        let c = try TestClient(routes: [], env: [:])
        c.kv.close()
        #expect(await c.send(.get, "/__edge/health").status == 200)
        let ready = await c.send(.get, "/__edge/ready")
        #expect(ready.status == 503)
        #expect(ready.code == "not_ready")
        #expect(ready.text.contains(#""kv":"unavailable""#))
    }
}
