extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.max` (never traps).
    var nanoseconds: Int64 {
        let (s, atto) = components
        let (ns, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return s < 0 ? Int64.min : Int64.max }
        let (total, o2) = ns.addingReportingOverflow(atto / 1_000_000_000)
        return o2 ? Int64.max : total
    }
}
