import EdgeRuntime
import Foundation
import Testing
@testable import Server

/// The JSON log line: `ts`, `level`, `msg`, then the metadata (the logger's, overridden by the event's)
/// in key order, escaped as JSON.
@Suite struct EdgeLogHandlerTests {
    /// The lines `body` logs, read back from a temporary file, with `ts` values replaced by `T`.
    static func lines(_ body: (inout Logger) -> Void) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edge-log-\(UInt64.random(in: 0...UInt64.max))").path
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        let sink = LogSink(fd: fd)
        var logger = Logger(label: "t") { label in EdgeLogHandler(label: label, level: .debug, format: .json, sink: sink) }
        body(&logger)
        sink.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map { $0.replacingOccurrences(of: #"\"ts\":\"[0-9T:.\-]+Z\""#, with: #""ts":"T""#, options: .regularExpression) }
    }

    @Test func fixedMembersThenMetadataInKeyOrder() throws {
        let lines = try Self.lines { logger in
            logger[metadataKey: "requestId"] = "r-1"
            logger[metadataKey: "app"] = "chat"
            logger.info("request:end", metadata: [
                "status": .stringConvertible(200), "ms": .stringConvertible(1.5), "app": "override",
                "note": "quote \" slash \\ line\nend", "list": ["a", .stringConvertible(2)], "nested": ["k": "v"],
            ])
            logger.debug("plain \"message\"")
        }
        #expect(lines == [
            #"{"ts":"T","level":"info","msg":"request:end","app":"override","list":["a",2],"ms":1.5,"nested":{"k":"v"},"note":"quote \" slash \\ line\nend","requestId":"r-1","status":200}"#,
            #"{"ts":"T","level":"debug","msg":"plain \"message\"","app":"chat","requestId":"r-1"}"#,
        ])
    }

    @Test func aMetadataKeyNamedLikeAFixedMemberReplacesItInPlace() throws {
        let lines = try Self.lines { logger in logger.warning("m", metadata: ["level": "custom", "a": "1"]) }
        #expect(lines == [#"{"ts":"T","level":"custom","msg":"m","a":"1"}"#])
    }

    @Test func metadataKeysStayInOrderAsTheyAreSetReplacedAndRemoved() throws {
        let lines = try Self.lines { logger in
            for key in ["m", "b", "z", "a", "c"] { logger[metadataKey: key] = .string(key) }
            logger[metadataKey: "b"] = "B"
            logger[metadataKey: "z"] = nil
            logger.info("one")
            logger.handler.metadata = ["y": "1", "x": "2"]
            logger.info("two")
        }
        #expect(lines == [
            #"{"ts":"T","level":"info","msg":"one","a":"a","b":"B","c":"c","m":"m"}"#,
            #"{"ts":"T","level":"info","msg":"two","x":"2","y":"1"}"#,
        ])
        var entries = MetadataEntries(["b": "1", "a": "2"])
        entries["a"] = nil
        entries["c"] = "3"
        #expect(entries.pairs.map(\.key) == ["b", "c"])
        #expect(entries.dictionary == ["b": "1", "c": "3"])
    }
}
