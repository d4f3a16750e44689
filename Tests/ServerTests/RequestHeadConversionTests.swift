import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Testing
@testable import Server

/// The server's own conversion of NIO's request head gives exactly the members of the library's `HTTPRequest`.
@Suite struct RequestHeadConversionTests {
    static let heads: [(HTTPMethod, String, [(String, String)])] = [
        (.GET, "/hello", [("Host", "a.test"), ("Accept", "*/*")]),
        (.GET, "/a/b?x=1&y=%20z", [("host", "a.test:8080")]),
        (.POST, "/p", [("HOST", "first.test"), ("Host", "second.test"), ("Content-Length", "3")]),
        (.GET, "/no-host", [("X-Hoste", "1"), ("Hos", "2"), ("Cookie", "a=1; b=2"), ("Cookie", "c=3")]),
        (.GET, "//double//slashes/", [("Host", "a.test")]),
        (.GET, "/%2F%00", [("Host", "a.test")]),
        (.GET, "http://proxy.test/abs?q=1", [("Host", "other.test")]),
        (.OPTIONS, "*", [("Host", "a.test")]),
        (.CONNECT, "a.test:443", [("Host", "a.test:443")]),
        (.init(rawValue: "PURGE"), "/cache", [("Host", "a.test")]),
        // Targets that are not legal field values: the library rewrites them, so they go through it.
        (.GET, "/del\u{7F}x", [("Host", "a.test")]),
        (.GET, "/tab\tinside", [("Host", "a.test")]),
        (.GET, "/trailing ", [("Host", "a.test")]),
        // The names clients commonly send, as browsers spell them, in lower case and in odd cases.
        (.POST, "/names", [
            ("Host", "a.test"), ("User-Agent", "t/1"), ("Accept", "*/*"), ("Accept-Encoding", "gzip"), ("Accept-Language", "en"),
            ("Connection", "keep-alive"), ("Content-Type", "text/plain"), ("Content-Length", "3"), ("Authorization", "Bearer x"),
            ("Cache-Control", "no-cache"), ("Origin", "https://o.test"), ("Referer", "https://r.test/"), ("Cookie", "a=1"),
        ]),
        (.POST, "/names", [
            ("host", "a.test"), ("user-agent", "t/1"), ("accept", "*/*"), ("accept-encoding", "gzip"), ("CONTENT-TYPE", "a/b"),
            ("content-Length", "3"), ("AUTHORIZATION", "x"), ("Origin ", "o"), ("Refere", "r"), ("Accept-Encodings", "x"),
        ]),
    ]

    @Test(arguments: heads.indices)
    func sameAsTheLibrary(_ i: Int) throws {
        let (method, uri, fields) = Self.heads[i]
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(fields))
        let ours = try RequestHeadConversion.request(head)
        let library = try HTTPRequest(head, secure: false, splitCookie: false)
        #expect(ours.method == library.method, "\(uri)")
        #expect(ours.path == library.path, "\(uri)")
        #expect(ours.authority == library.authority, "\(uri)")
        #expect(ours.headerFields == library.headerFields)
        #expect(ours.headerFields.map(\.name.rawName) == library.headerFields.map(\.name.rawName), "names as sent")
    }

    @Test func legalFieldValues() {
        #expect(RequestHeadConversion.isLegalFieldValue("/a b\tc?\u{E9}"))
        #expect(RequestHeadConversion.isLegalFieldValue(""))
        for bad in [" /a", "/a ", "\t/a", "/a\t", "/a\u{0}b", "/a\rb", "/a\nb", "/a\u{7F}", "/a\u{1F}"] {
            #expect(!RequestHeadConversion.isLegalFieldValue(bad), "\(Array(bad.utf8))")
        }
    }

    @Test func hostIsMatchedInAnyCaseOnly() {
        #expect(RequestHeadConversion.isHost("host") && RequestHeadConversion.isHost("HoSt"))
        #expect(!RequestHeadConversion.isHost("hosts") && !RequestHeadConversion.isHost("hos") && !RequestHeadConversion.isHost("h0st"))
        #expect(RequestHeadConversion.equalsIgnoringCase("Transfer-ENCODING", lowercase: "transfer-encoding"))
        // Only letters fold: "\r" is "-" with bit 0x20 cleared.
        #expect(!RequestHeadConversion.equalsIgnoringCase("transfer\rencoding", lowercase: "transfer-encoding"))
        #expect(!RequestHeadConversion.equalsIgnoringCase("transfer_encoding", lowercase: "transfer-encoding"))
        #expect(RequestHeadConversion.equalsIgnoringCase("hosTX", lowercase: "hostx"))
        #expect(!RequestHeadConversion.equalsIgnoringCase("h\u{F6}st", lowercase: "host"))
    }
}
