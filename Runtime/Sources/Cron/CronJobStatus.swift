/// One row of `edge cron list` and of the operator endpoint (`GET /__edge/crons`).
public struct CronJobStatus: Sendable, Hashable {
    public var path: String
    /// The schedule as declared.
    public var schedule: String
    /// The next tick after the snapshot's "now".
    public var nextRun: CronInstant
    /// The latest record that is not ``CronOutcome/lostLease``, if any.
    public var lastRun: CronRunRecord?
    /// Whether this scheduler has a run of the job in progress (always false in a snapshot taken
    /// without a running scheduler).
    public var isRunning: Bool

    public init(path: String, schedule: String, nextRun: CronInstant, lastRun: CronRunRecord?, isRunning: Bool) {
        self.path = path
        self.schedule = schedule
        self.nextRun = nextRun
        self.lastRun = lastRun
        self.isRunning = isRunning
    }

    /// Flat string fields for a JSON body: `path`, `schedule`, `nextRun` (ISO 8601 UTC),
    /// `running`, and when there is a last run `lastRunScheduled`, `lastRunStart`,
    /// `lastRunDurationMs`, `lastRunOutcome`, `lastRunAttempts`.
    public var fields: [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = [
            ("path", path), ("schedule", schedule), ("nextRun", nextRun.iso8601), ("running", String(isRunning)),
        ]
        if let lastRun {
            fields += [
                ("lastRunScheduled", lastRun.scheduledAt.iso8601),
                ("lastRunStart", lastRun.startedAt.iso8601WithMilliseconds),
                ("lastRunDurationMs", String(CronRunRecord.milliseconds(lastRun.duration))),
                ("lastRunOutcome", lastRun.outcome.description),
                ("lastRunAttempts", String(lastRun.attempts)),
            ]
        }
        return fields
    }

    /// The statuses of `jobs` at `now`, reading last runs from `store`. Used by `edge cron list`,
    /// which has no running scheduler. A store error leaves `lastRun` nil for that job.
    public static func snapshot(of jobs: [CronJob], store: any CronRunStore, now: CronInstant) async -> [CronJobStatus] {
        var rows: [CronJobStatus] = []
        for job in jobs {
            let last = try? await store.lastRun(path: job.path)
            rows.append(CronJobStatus(path: job.path, schedule: job.schedule.source, nextRun: job.schedule.nextDate(after: now), lastRun: last ?? nil, isRunning: false))
        }
        return rows
    }

    /// A fixed-width text table with a header line, for the CLI:
    /// `PATH  SCHEDULE  NEXT RUN (UTC)  LAST START (UTC)  DURATION  OUTCOME`; `-` where there is no last run.
    public static func table(_ rows: [CronJobStatus]) -> String {
        let header = ["PATH", "SCHEDULE", "NEXT RUN (UTC)", "LAST START (UTC)", "DURATION", "OUTCOME"]
        let body = rows.map { row -> [String] in
            [row.path, row.schedule, row.nextRun.iso8601,
             row.lastRun.map { $0.startedAt.iso8601 } ?? "-",
             row.lastRun.map { "\(CronRunRecord.milliseconds($0.duration))ms" } ?? "-",
             row.isRunning ? "running" : (row.lastRun.map { $0.outcome.description } ?? "-")]
        }
        let all = [header] + body
        let widths = (0..<header.count).map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { line in
            line.enumerated().map { index, cell in
                index == line.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
