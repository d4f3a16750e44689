import EdgeRuntime
import Testing
@testable import Server

/// `Response.text` and `jsonBytes` start from shared fields; a response changing its own leaves the next one's alone.
@Suite struct ResponseConstructorTests {
    @Test func sharedContentTypeFieldsAreCopiedOnChange() {
        var first = Response.text("a")
        first.headers.set(.requestId, "r-1")
        first.headers[.contentType] = "text/html"
        let second = Response.text("b")
        #expect(first.headers[.contentType] == "text/html" && first.headers[.requestId] == "r-1")
        #expect(second.headers.count == 1 && second.headers[.contentType] == "text/plain; charset=utf-8")
        var json = Response.jsonBytes(Array("{}".utf8))
        json.headers.append(HTTPField(name: .cacheControl, value: "no-store"))
        #expect(Response.jsonBytes([]).headers.map(\.name) == [.contentType])
        #expect(json.headers[.contentType] == "application/json; charset=utf-8")
        // Given fields keep their own content type.
        #expect(Response.text("c", headers: [.contentType: "text/csv"]).headers[.contentType] == "text/csv")
    }
}
