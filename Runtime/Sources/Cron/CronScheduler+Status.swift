extension CronScheduler {
    /// The status of every job, in declaration order: next run (from the running scheduler's own
    /// plan when it is running, else from `clock.now`), last run, and whether a run is in progress.
    public func status() async -> [CronJobStatus] {
        let now = clock.now
        let (planned, running) = state.withLock { ($0.nextFire, Set($0.inFlight.keys)) }
        var rows: [CronJobStatus] = []
        for job in jobs {
            let last = try? await store.lastRun(path: job.path)
            let next = planned[job.path].flatMap { $0 > now ? $0 : nil } ?? job.schedule.nextDate(after: now)
            rows.append(CronJobStatus(path: job.path, schedule: job.schedule.source, nextRun: next, lastRun: last ?? nil, isRunning: running.contains(job.path)))
        }
        return rows
    }
}
