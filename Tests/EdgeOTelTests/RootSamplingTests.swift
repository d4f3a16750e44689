@testable import EdgeOTel
import EdgeTrace
import OTel
import Testing
import Tracing
#if canImport(Glibc)
import Glibc
#endif

/// The root sampler applied before swift-otel (Docs/Decisions/0024): which `OTEL_TRACES_SAMPLER` settings it
/// takes over, and, over a real swift-otel tracer (`OTel.makeTracingBackend`, not bootstrapped, exporting
/// nowhere), that an unsampled request gets a propagatable unsampled trace and no span, while sampled roots
/// and spans with a parent are swift-otel's as before.
struct RootSamplingTests {
    static let base: any Tracer = {
        var configuration = OTel.Configuration.default
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.exporter = .none
        configuration.traces.sampler = .parentBasedAlwaysOn
        configuration.diagnosticLogLevel = .error
        // swift-otel's service (processor, exporter) never runs here: spans are only started and ended.
        do { return try OTel.makeTracingBackend(configuration: configuration).factory } catch { return NoOpTracer() }
    }()

    static func traceParent(of context: InstrumentationContext, _ tracer: any Tracer) -> String? {
        var fields: [String: String] = [:]
        tracer.inject(context, into: &fields, using: DictionaryInjector())
        return fields["traceparent"]
    }

    struct DictionaryInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    }

    struct DictionaryExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }

    @Test func parentBasedRatioBelowOneIsTakenOverAndSwiftOTelRecordsWhatItIsGiven() throws {
        let env = ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25", "OTEL_SERVICE_NAME": "x"]
        let taken = try #require(RootSampler.take(from: env))
        #expect(taken.sampler.bound == 1 << 62)
        #expect(taken.environment == ["OTEL_TRACES_SAMPLER": "parentbased_always_on", "OTEL_SERVICE_NAME": "x"])
        #expect(RootSampler.take(from: ["OTEL_TRACES_SAMPLER": "parentbased_always_off"])?.sampler.bound == 0)
        #expect(RootSampler.take(from: ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0"])?.sampler.bound == 0)
    }

    @Test(arguments: [
        [:], ["OTEL_TRACES_SAMPLER": "always_on"], ["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"],
        ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio"], ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1"],
        ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "abc"],
        ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "-0.5"],
        ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "nan"],
        ["OTEL_TRACES_SAMPLER": "PARENTBASED_ALWAYS_OFF"],
    ])
    func otherSettingsAreLeftToSwiftOTel(env: [String: String]) {
        #expect(RootSampler.take(from: env) == nil)
    }

    @Test func unsampledTraceParentsAreValidDistinctAndUnsampled() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let trace = TraceIDs.unsampledTrace(), header = trace.traceParent
            #expect(header.utf8.dropFirst(3).prefix(32).elementsEqual(trace.traceID.hex.utf8))
            let parts = header.split(separator: "-", omittingEmptySubsequences: false)
            #expect(parts.count == 4 && parts[0] == "00" && parts[1].utf8.count == 32 && parts[2].utf8.count == 16 && parts[3] == "00", "\(header)")
            #expect(header.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            #expect(parts.count == 4 && parts[1].contains { $0 != "0" } && parts[2].contains { $0 != "0" })
            seen.insert(header)
        }
        #expect(seen.count == 1000)
    }

    @Test func anUnsampledRootIsNoSpanButItsTracePropagatesUnsampled() throws {
        let tracer = RootSamplingTracer.wrapping(Self.base, sampler: RootSampler(bound: 0))
        #expect(tracer is RootSamplingTracer, "swift-otel's W3C propagator carries the unsampled context")
        let span = tracer.startSpan("GET /hello", context: .topLevel, ofKind: .server)
        #expect(!span.isRecording)
        span.attributes["ignored"] = 1
        #expect(span.attributes.isEmpty)
        #expect(span.context.otelTraceID == nil, "swift-otel never sees an unsampled trace")
        let header = try #require(Self.traceParent(of: span.context, tracer))
        let parts = header.split(separator: "-")
        #expect(parts.count == 4 && parts[0] == "00" && parts[1].utf8.count == 32 && parts[3] == "00", "\(header)")
        // Children (kv.commit, fetch, a handler's own span: the process's tracer is this one) are nothing too,
        // and propagate the same unsampled trace.
        let child = tracer.startSpan("kv.commit", context: span.context, ofKind: .client)
        #expect(!child.isRecording)
        #expect(Self.traceParent(of: child.context, tracer) == header)
        let grandchild = tracer.startSpan("fetch GET", context: child.context, ofKind: .client)
        #expect(!grandchild.isRecording && Self.traceParent(of: grandchild.context, tracer) == header)
        span.end()
    }

    /// The server asks first (``RootSampling``): an unsampled request binds only ``UnsampledTrace``, and a span
    /// started in that task (a handler's own, `kv.commit` and `fetch` find no context) is no span and carries
    /// that trace; a sampled root is swift-otel's.
    @Test func theServerAsksFirstAndSpansUnderAnUnsampledRequestAreNothing() throws {
        let never = try #require(RootSamplingTracer.wrapping(Self.base, sampler: RootSampler(bound: 0)) as? any RootSampling)
        let trace = try #require(never.unsampledRoot())
        let traceParent = trace.traceParent
        #expect(traceParent.hasPrefix("00-") && traceParent.hasSuffix("-00") && traceParent.utf8.count == 55)
        let tracer = try #require(never as? any Tracer)
        UnsampledTrace.$current.withValue(trace) {
            let span = tracer.startSpan("my.work", context: .topLevel, ofKind: .internal)
            #expect(!span.isRecording)
            #expect(Self.traceParent(of: span.context, tracer) == traceParent)
            span.end()
        }
        let outside = tracer.startSpan("GET /hello", context: .topLevel, ofKind: .server)
        #expect(!outside.isRecording && Self.traceParent(of: outside.context, tracer) != traceParent)

        let always = try #require(RootSamplingTracer.wrapping(Self.base, sampler: RootSampler(bound: .max)) as? any RootSampling)
        #expect(always.unsampledRoot() == nil)
        let root = always.startSampledRoot("GET /hello", ofKind: .server)
        #expect(root.isRecording && root.context.otelIsSampled)
        root.end()
    }

    /// What swift-otel reads (the process environment) is made what the merged environment says, with the
    /// sampler the root sampler leaves it; other variables are untouched.
    @Test func theProcessEnvironmentGetsTheMergedOTelValues() throws {
        let key = "OTEL_EDGE_TEST_\(UInt32.random(in: 0...UInt32.max))"
        defer { unsetenv(key) }
        #expect(getenv(key) == nil)
        TraceExport.exportEnvironment([key: "from-dotenv", "EDGE_TEST_NOT_OTEL": "x"])
        #expect(getenv(key).map { String(cString: $0) } == "from-dotenv")
        #expect(getenv("EDGE_TEST_NOT_OTEL") == nil)
    }

    @Test func aSampledRootAndSpansWithAParentAreSwiftOTels() throws {
        let tracer = RootSamplingTracer.wrapping(Self.base, sampler: RootSampler(bound: .max))
        let root = tracer.startSpan("GET /hello", context: .topLevel, ofKind: .server)
        #expect(root.isRecording && root.context.otelIsSampled)
        root.attributes["http.route"] = "/hello"
        #expect(root.attributes.get("http.route") == .string("/hello"))
        root.end()
        #expect(!root.isRecording)

        let never = RootSamplingTracer.wrapping(Self.base, sampler: RootSampler(bound: 0))
        for (flags, recorded) in [("01", true), ("00", false)] {
            var parent = InstrumentationContext.topLevel
            never.extract(["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-\(flags)"], into: &parent, using: DictionaryExtractor())
            let span = never.startSpan("GET /hello", context: parent, ofKind: .server)
            #expect(span.isRecording == recorded, "flags \(flags)")
            #expect(span.context.otelTraceID == "4bf92f3577b34da6a3ce929d0e0e4736")
            span.end()
        }
    }

    @Test func rootsAreSampledAtTheConfiguredRate() throws {
        let taken = try #require(RootSampler.take(from: ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"]))
        let tracer = RootSamplingTracer.wrapping(Self.base, sampler: taken.sampler)
        var sampled = 0
        for _ in 0..<4000 {
            let span = tracer.startSpan("GET /hello", context: .topLevel, ofKind: .server)
            if span.isRecording { sampled += 1 }
            span.end()
        }
        // 1000 expected; the standard deviation is 27, so this bound is 7 of them either side.
        #expect((810...1190).contains(sampled), "\(sampled) of 4000")
    }
}

/// `OTEL_PROPAGATORS` naming a propagator swift-otel does not implement (it would `fatalError`) is refused
/// by name before swift-otel sees it.
@Test(arguments: ["baggage", "tracecontext,baggage", "b3", "B3MULTI", " jaeger", "xray", "ottrace", "nonsense"])
func unsupportedPropagatorsAreRefusedByName(value: String) throws {
    #expect(throws: TraceExportConfigurationError.self) { try TraceExport.checkPropagators(value) }
}

@Test(arguments: ["tracecontext", "none", "TraceContext, none", ""])
func supportedPropagatorsPass(value: String) throws {
    try TraceExport.checkPropagators(value)
}
