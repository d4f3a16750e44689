import NIOCore

/// How many event-loop threads serve HTTP (and run handlers). `EDGE_EVENT_LOOPS=n`; by default one per
/// core. Must be set before the first connection, so `main` calls it first.
public enum EventLoops {
    public static func configure(_ environment: [String: String]) {
        guard let n = environment["EDGE_EVENT_LOOPS"].flatMap({ Int($0) }), n > 0 else { return }
        NIOSingletons.groupLoopCountSuggestion = n
    }
}
