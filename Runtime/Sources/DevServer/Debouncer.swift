/// Turns a burst of file events (an editor's save is often 3-6 events; `git checkout` is hundreds)
/// into one reload: it fires once no event has arrived for `quiet`, or at the latest `maxDelay`
/// after the burst's first event, so that a file written continuously still reloads.
public struct Debouncer<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public let quiet: Duration
    public let maxDelay: Duration
    public private(set) var firstEvent: Instant?
    public private(set) var lastEvent: Instant?

    public init(quiet: Duration = .milliseconds(150), maxDelay: Duration = .seconds(1)) {
        self.quiet = quiet
        self.maxDelay = max(quiet, maxDelay)
    }

    /// Whether events are waiting to fire.
    public var isPending: Bool { lastEvent != nil }

    public mutating func record(at now: Instant) {
        if firstEvent == nil { firstEvent = now }
        lastEvent = now
    }

    /// When the pending burst fires (nil if nothing is pending).
    public var deadline: Instant? {
        guard let firstEvent, let lastEvent else { return nil }
        let settled = lastEvent.advanced(by: quiet)
        let capped = firstEvent.advanced(by: maxDelay)
        return settled < capped ? settled : capped
    }

    /// True (once per burst) when the burst is due at `now`; the debouncer is then reset.
    public mutating func fire(at now: Instant) -> Bool {
        guard let deadline, now >= deadline else { return false }
        firstEvent = nil
        lastEvent = nil
        return true
    }
}

/// What a burst of file events touched, which decides between rebuild and plain restart.
public struct ChangeSet: Sendable, Equatable {
    /// Paths (relative to the project) under `Functions/`, and `vercel-like.json`: need a build.
    public var sources: Set<String> = []
    /// `.env*` files: need a restart with a freshly merged environment, no build.
    public var environmentFiles: Set<String> = []

    public init(sources: Set<String> = [], environmentFiles: Set<String> = []) {
        self.sources = sources
        self.environmentFiles = environmentFiles
    }

    public var isEmpty: Bool { sources.isEmpty && environmentFiles.isEmpty }
    public var needsBuild: Bool { !sources.isEmpty }

    public mutating func formUnion(_ other: ChangeSet) {
        sources.formUnion(other.sources)
        environmentFiles.formUnion(other.environmentFiles)
    }

    /// "Functions/hello/Hello.swift", "3 files", ...
    public var summary: String {
        let all = (sources.sorted() + environmentFiles.sorted())
        if all.count <= 3 { return all.joined(separator: ", ") }
        return all.prefix(2).joined(separator: ", ") + " and \(all.count - 2) more"
    }
}
