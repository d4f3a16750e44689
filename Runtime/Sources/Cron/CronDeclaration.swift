/// One entry of `crons` in `vercel-like.json`, Vercel's shape: `{ "path": "/api/cron", "schedule": "0 3 * * *" }`.
///
/// `backoffSchedule` (milliseconds, Deno's shape) is our extension and optional; Vercel's own
/// schema has only `path` and `schedule`.
public struct CronDeclaration: Sendable, Hashable, Codable {
    public var path: String
    public var schedule: String
    /// Retry delays in milliseconds, at most ``CronLimits/maximumBackoffEntries``.
    public var backoffSchedule: [Int]?

    public init(path: String, schedule: String, backoffSchedule: [Int]? = nil) {
        self.path = path
        self.schedule = schedule
        self.backoffSchedule = backoffSchedule
    }
}

extension CronJob {
    /// Validates `crons` from `vercel-like.json` and returns the jobs, or throws one
    /// ``CronConfigurationError`` whose message names the entry and field, e.g.
    /// `crons[1].schedule: day-of-month: 32 is out of range 1-31` (prefix it with
    /// `Invalid vercel-like.json - ` when reporting). Duplicate paths and more than
    /// ``CronLimits/maximumJobs`` entries are rejected too. Whether each path matches a route is
    /// the route generator's check.
    public static func jobs(from declarations: [CronDeclaration]) throws(CronConfigurationError) -> [CronJob] {
        guard declarations.count <= CronLimits.maximumJobs else {
            throw CronConfigurationError("crons: \(declarations.count) entries; at most \(CronLimits.maximumJobs) are allowed")
        }
        var jobs: [CronJob] = []
        var seen: [String: Int] = [:]
        for (index, declaration) in declarations.enumerated() {
            let expression: CronExpression
            do {
                expression = try CronExpression(parsing: declaration.schedule)
            } catch {
                throw CronConfigurationError("crons[\(index)].schedule: \(error.description)")
            }
            let backoff = (declaration.backoffSchedule ?? []).map { Duration.milliseconds($0) }
            do {
                jobs.append(try CronJob(path: declaration.path, schedule: expression, backoffSchedule: backoff))
            } catch {
                let field = declaration.path.hasPrefix("/") ? "backoffSchedule" : "path"
                throw CronConfigurationError("crons[\(index)].\(field): \(error.message)")
            }
            if let previous = seen.updateValue(index, forKey: declaration.path) {
                throw CronConfigurationError("crons[\(index)].path: \(declaration.path) is already declared by crons[\(previous)]")
            }
        }
        return jobs
    }
}
