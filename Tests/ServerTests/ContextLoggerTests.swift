import EdgeRuntime
import Testing

/// `Context.logger`: the request's id and app on every line, built once per request, and a context whose
/// logger was replaced sees its own.
@Suite struct ContextLoggerTests {
    @Test func carriesTheRequestAndIsKeptUnlessReplaced() {
        var base = Logger(label: "t")
        base[metadataKey: "x"] = "1"
        var context = Context(requestId: "r-1", logger: base, env: Environment([:]), app: "vlm")
        #expect(context.logger[metadataKey: "requestId"] == "r-1")
        #expect(context.logger[metadataKey: "app"] == "vlm")
        #expect(context.logger[metadataKey: "x"] == "1")
        let copy = context
        context.logger[metadataKey: "y"] = "2"
        #expect(context.logger[metadataKey: "y"] == "2" && context.logger[metadataKey: "requestId"] == "r-1")
        #expect(copy.logger[metadataKey: "y"] == nil, "a copy taken before keeps the request's logger")
        context.logger = Logger(label: "other")
        #expect(context.logger[metadataKey: "x"] == nil)
        #expect(context.logger[metadataKey: "requestId"] == "r-1" && context.logger[metadataKey: "app"] == "vlm")
        #expect(copy.logger[metadataKey: "x"] == "1")
    }
}
