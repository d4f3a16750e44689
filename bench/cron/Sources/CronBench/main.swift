// CronBench: real-clock lateness of cron runs (time from the scheduled second to the start of
// the handler), reported as p50/p90/p99/max.
//
//   CronBench [--seconds N] [--jobs K]        scaled mode (default): 1 cron minute = 1 real second,
//                                             N real seconds (default 120), K jobs on "* * * * *"
//   CronBench --real-minutes N [--jobs K]     real mode: SystemCronClock, N real minutes
import Cron
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var seconds = 120
    var realMinutes: Int?
    var jobs = 4

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next().flatMap { Int($0) }
            switch argument {
            case "--seconds": seconds = value ?? seconds
            case "--real-minutes": realMinutes = value
            case "--jobs": jobs = value ?? jobs
            default:
                print("usage: CronBench [--seconds N | --real-minutes N] [--jobs K]")
                exit(2)
            }
        }
    }
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func milliseconds(_ d: Duration) -> Double {
    let (s, atto) = d.components
    return Double(s) * 1000 + Double(atto) / 1e15
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

func format(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let whole = thousandths / 1000
    let fraction = String(abs(thousandths % 1000))
    return "\(whole).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}

let options = Options(CommandLine.arguments)
let scaled: ScaledClock? = options.realMinutes == nil ? ScaledClock(factor: 60) : nil
let clock: any CronClock = scaled ?? SystemCronClock()
let realClock = SystemCronClock()
let samples = Mutex<[Double]>([])
let jobs = try (0..<options.jobs).map { try CronJob(path: "/bench/\($0)", schedule: "* * * * *") }
let scheduler = try CronScheduler(jobs: jobs, clock: clock, store: InMemoryCronRunStore(capacity: 1), log: { _ in }) { invocation in
    let realNow = realClock.now
    let scheduledReal = scaled?.toReal(invocation.scheduledAt) ?? invocation.scheduledAt
    let lateness = milliseconds(scheduledReal.duration(to: realNow))
    samples.withLock { $0.append(lateness) }
    return 200
}

let wallSeconds = options.realMinutes.map { $0 * 60 } ?? options.seconds
let mode = scaled == nil ? "real clock, 1 tick per minute" : "scaled clock (1 cron minute = 1 real second)"
print("CronBench: \(mode), \(options.jobs) job(s) on \"* * * * *\", \(wallSeconds) s")
let cpuBefore = cpuSeconds()
let runner = Task { try await scheduler.run() }
try await Task.sleep(for: .seconds(wallSeconds))
runner.cancel()
try await runner.value
let cpu = cpuSeconds() - cpuBefore

let sorted = samples.withLock { $0 }.sorted()
print("runs: \(sorted.count)")
print("lateness ms: p50 \(format(percentile(sorted, 50))) p90 \(format(percentile(sorted, 90))) "
    + "p99 \(format(percentile(sorted, 99))) max \(format(sorted.last ?? .nan)) min \(format(sorted.first ?? .nan))")
print("runs later than 100 ms: \(sorted.filter { $0 > 100 }.count)")
print("cpu: \(format(cpu)) s over \(wallSeconds) s wall (\(format(cpu / Double(wallSeconds) * 100))% of one core)")
var load = [Double](repeating: 0, count: 3)
if getloadavg(&load, 3) == 3 { print("load average: \(format(load[0])) \(format(load[1])) \(format(load[2]))") }
