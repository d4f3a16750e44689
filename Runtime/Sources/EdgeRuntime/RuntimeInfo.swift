/// Facts about the running process that handlers may report (health endpoints).
public enum RuntimeInfo {
    /// The moment the runtime started serving (touched by the server at start-up).
    public static let startInstant = ContinuousClock.now
    /// Seconds since start, with millisecond precision.
    public static var uptimeSeconds: Double {
        let d = ContinuousClock.now - startInstant
        let (s, atto) = d.components
        return Double(s) + Double(atto / 1_000_000_000_000_000) / 1000
    }
    /// The runtime's version string.
    public static let version = "0.1.0"
}
