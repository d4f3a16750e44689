#if canImport(Glibc)
import Glibc
#endif
import EdgeRuntime

/// `GET /monitor/summary?runId=...` (CONTRACTS §4.3), polled every 5 s: RED metrics and SLO figures.
///
/// Before any deployment of the run has succeeded, every number is 0. After, the runtime's own request
/// figures for the run's routes (Decisions/0017): the routes of the Persephone app that serves the run,
/// except this one (the dashboard's polling is not traffic), summed over every worker since the server
/// started (``MonitorSeries/measured(_:nowMs:)``). While those routes have seen no request since the
/// start, the deterministic synthetic series of the time since the first successful deployment stands in
/// (``MonitorSeries/at(secondsSinceLive:seed:)``). `errorsPercent` and `slo.availability` are
/// percentages (0...100), `availability = 100 − errorsPercent`.
struct MonitorSummary: EdgeFunction {
    static let methods: HTTPMethods = [.get]
    /// This endpoint's own pattern, left out of the figures it reports.
    static let route = "/monitor/summary"

    func handle(_ request: Request, context: Context) async throws -> Response {
        PersephoneSession.note(request, context: context)
        let runs = try PersephoneRuns(context)
        let (run, _) = try await runs.find(request)
        let now = runs.nowMs
        var liveSince: Int64? = nil
        for env in PersephoneLimits.environments {
            guard let d = try await runs.kv.get(PersephoneKeys.deploy(run.runId, env), as: DeployRecord.self) else { continue }
            let s = DeployState(d.value, nowMs: now)
            if s.phase == .succeeded { liveSince = min(liveSince ?? s.updatedMs, s.updatedMs) }
        }
        var m = MonitorSeries.zero
        if let liveSince {
            let traffic = context.traffic?.summary(app: "persephone", excluding: [Self.route])
            m = traffic.flatMap { MonitorSeries.measured($0, nowMs: now) }
                ?? MonitorSeries.at(secondsSinceLive: Double(now - liveSince) / 1000, seed: run.sha256)
        }
        return .json([
            "runId": .string(run.runId),
            "red": ["rps": .number(m.rps), "errorsPercent": .number(m.errorsPercent), "p95DurationMs": .number(m.p95Ms)],
            "slo": ["availability": .number(m.availability), "latencyP95Ms": .number(m.p95Ms)],
            "updatedAt": .string(WallClock.iso8601(epochMilliseconds: now)),
        ])
    }
}
