import Fetch
import Foundation
import Testing

@Suite("Redirects")
struct RedirectTests {
    @Test("follows a chain and reports the final URL and count")
    func follow() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(upstream.url("/redirect?hops=3&code=302&to=/status%3Fcode%3D201"))
            #expect(response.status == 201)
            #expect(response.redirectCount == 3)
            #expect(response.url.hasSuffix("/status?code=201"))
            #expect(try await response.body.text() == "status body")
        }
    }

    @Test("manual returns the redirect itself")
    func manual() async throws {
        try await withUpstream { upstream, client in
            let response = try await client.fetch(FetchRequest(url: upstream.url("/redirect?code=307&to=/echo"), redirect: .manual))
            #expect(response.status == 307)
            #expect(response.headers["location"] == "/echo")
        }
    }

    @Test("error policy and the redirect limit fail with typed errors")
    func refused() async throws {
        try await withUpstream { upstream, client in
            let refused = await #expect(throws: FetchError.self) {
                try await client.fetch(FetchRequest(url: upstream.url("/redirect?code=302&to=/echo"), redirect: .error))
            }
            #expect(refused?.kind == .redirectRefused)
            let tooMany = await #expect(throws: FetchError.self) {
                try await client.fetch(FetchRequest(url: upstream.url("/redirect?hops=5&to=/echo"), redirect: .follow(max: 2)))
            }
            #expect(tooMany?.kind == .tooManyRedirects)
        }
    }

    @Test("303 turns POST into GET; 307 replays method and body")
    func methodRules() async throws {
        try await withUpstream { upstream, client in
            let see = try await client.fetch(FetchRequest(url: upstream.url("/redirect?code=303&to=/echo"), method: "POST", body: .text("hello")))
            #expect(see.headers["x-method"] == "GET")
            #expect(see.headers["x-body-length"] == "0")
            let temp = try await client.fetch(FetchRequest(url: upstream.url("/redirect?code=307&to=/echo"), method: "POST", body: .text("hello")))
            #expect(temp.headers["x-method"] == "POST")
            #expect(try await temp.body.text() == "hello")
        }
    }

    @Test("a cross-origin redirect drops Authorization; same-origin keeps it")
    func crossOrigin() async throws {
        try await withUpstream { upstream, client in
            let same = try await client.fetch(FetchRequest(url: upstream.url("/redirect?to=/echo"), headers: ["Authorization": "Bearer x"]))
            #expect(same.headers["x-auth"] == "Bearer x")
            let other = "http://localhost:\(upstream.port)/echo"
            let cross = try await client.fetch(FetchRequest(
                url: upstream.url("/redirect?to=\(other.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"),
                headers: ["Authorization": "Bearer x"]))
            #expect(cross.status == 200)
            #expect(cross.headers["x-auth"] == "none")
        }
    }
}
