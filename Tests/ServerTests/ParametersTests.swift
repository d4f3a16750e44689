import EdgeRuntime
import Testing
@testable import Server

/// Route parameters kept as pairs: looked up by name, equal whatever their order.
@Suite struct ParametersTests {
    @Test func pairsByName() throws {
        var p = Parameters(pairs: [(name: "id", value: "1"), (name: "rest", value: "a/b"), (name: "id", value: "2")])
        #expect(p["id"] == "2", "a later pair replaces an earlier one")
        #expect(p.values == ["id": "2", "rest": "a/b"])
        #expect(p.segments("rest") == ["a", "b"])
        #expect(p["missing"] == nil)
        #expect(throws: HTTPError.self) { try p.require("missing") }
        p.set("rest", "c")
        p.set("new", "n")
        #expect(p == Parameters(["new": "n", "rest": "c", "id": "2"]))
        #expect(p != Parameters(["new": "n", "rest": "c"]))
        #expect(p != Parameters(["new": "n", "rest": "c", "id": "3"]))
    }

}
