/// Which root spans ``RootSamplingTracer`` samples itself, read from `OTEL_TRACES_SAMPLER` and
/// `OTEL_TRACES_SAMPLER_ARG` as the OpenTelemetry SDK specification defines them.
///
/// Only the two parent-based samplers that drop root spans are taken over:
/// - `parentbased_traceidratio` with an `OTEL_TRACES_SAMPLER_ARG` in `[0, 1)`: a root span is sampled with
///   that probability (a fresh random draw per root, the same distribution as the specification's
///   trace-id rule, whose id swift-otel would only draw after the decision);
/// - `parentbased_always_off`: no root span is sampled.
/// A span with a parent (an incoming `traceparent`, or a span of this process) follows its parent's
/// decision in both, which swift-otel still makes. Every other value, a missing or invalid argument (swift-otel
/// warns about it and samples everything), and a ratio of 1 leave sampling to swift-otel unchanged.
struct RootSampler: Sendable, Equatable {
    /// A root is sampled when a random 64-bit draw is below this.
    let bound: UInt64

    /// `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`.
    static let samplerKey = "OTEL_TRACES_SAMPLER", argumentKey = "OTEL_TRACES_SAMPLER_ARG"

    /// The sampler `environment` selects, and the environment swift-otel must then see (its sampler set to
    /// `parentbased_always_on`: it records whatever root ``RootSamplingTracer`` hands it and keeps following
    /// parents); nil, and `environment` unchanged, when swift-otel samples as configured.
    static func take(from environment: [String: String]) -> (sampler: RootSampler, environment: [String: String])? {
        let sampler: RootSampler
        switch environment[samplerKey] ?? "" {
        case "parentbased_always_off":
            sampler = RootSampler(bound: 0)
        case "parentbased_traceidratio":
            guard let text = environment[argumentKey], let ratio = Double(text), ratio >= 0, ratio < 1 else { return nil }
            // ratio < 1, so the product is below 2^64 and converts exactly enough; `.rounded(.down)` keeps it in range.
            sampler = RootSampler(bound: UInt64((ratio * 18_446_744_073_709_551_616.0).rounded(.down)))
        default:
            return nil
        }
        var rest = environment
        rest[samplerKey] = "parentbased_always_on"
        rest[argumentKey] = nil
        return (sampler, rest)
    }

    /// Draws for one root span: whether it is sampled.
    func samplesNextRoot() -> Bool {
        bound != 0 && TraceIDs.next() < bound
    }
}
