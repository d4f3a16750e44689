import Testing
@testable import Server
import EdgeRuntime
import EdgeTrace

/// The access log's `traceId`: the trace id of a valid W3C `traceparent`, nothing otherwise.
@Suite struct TraceParentTests {
    static let id = "4bf92f3577b34da6a3ce929d0e0e4736"

    @Test func validHeadersGiveTheTraceId() {
        #expect(TraceParent.traceId("00-\(Self.id)-00f067aa0ba902b7-01")?.hex == Self.id)
        #expect(TraceParent.traceId("00-\(Self.id)-00f067aa0ba902b7-00")?.hex == Self.id)
        // A later version may append fields after a dash.
        #expect(TraceParent.traceId("01-\(Self.id)-00f067aa0ba902b7-01-extra")?.hex == Self.id)
        #expect(TraceParent.traceId("cc-\(Self.id)-00f067aa0ba902b7-01")?.hex == Self.id)
    }

    @Test(arguments: [
        nil, "", "garbage", "00-\(TraceParentTests.id)-00f067aa0ba902b7",                     // missing field
        "00-\(TraceParentTests.id)-00f067aa0ba902b7-01-",                                       // version 00 is exactly 55 characters
        "01-\(TraceParentTests.id)-00f067aa0ba902b7-01x",                                       // a later version's extra must start with '-'
        "ff-\(TraceParentTests.id)-00f067aa0ba902b7-01",                                        // version ff is invalid
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",             // uppercase
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",             // all-zero trace id
        "00-\(TraceParentTests.id)-0000000000000000-01",                                        // all-zero parent id
        "00_\(TraceParentTests.id)-00f067aa0ba902b7-01", "00-\(TraceParentTests.id)_00f067aa0ba902b7-01",         // wrong separators
        "0g-\(TraceParentTests.id)-00f067aa0ba902b7-01", "00-\(TraceParentTests.id)-00f067aa0ba902b7-0z",         // non-hex
        "00-\(TraceParentTests.id)-00f067aa0ba902b7-01\u{e9}",                                  // non-ASCII
    ] as [String?])
    func invalidHeadersGiveNothing(header: String?) {
        #expect(TraceParent.traceId(header) == nil)
    }

    /// What a tracer writes is read by position; the digits read back as they were written.
    @Test func tracerWrittenHeadersGiveTheTraceId() {
        #expect(TraceParent.traceId(writtenByTracer: "00-\(Self.id)-00f067aa0ba902b7-01")?.hex == Self.id)
        #expect(TraceParent.traceId(writtenByTracer: "00-\(Self.id)_00f067aa0ba902b7-01") == nil)
        #expect(TraceParent.traceId(writtenByTracer: nil) == nil)
        let id = TraceID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
        #expect(id.hex == "0123456789abcdeffedcba9876543210")
        var bytes: [UInt8] = []
        id.appendHex(to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == id.hex)
        #expect(Array(id.hex.utf8).withUnsafeBufferPointer { TraceID(hex: $0) } == id)
    }
}
