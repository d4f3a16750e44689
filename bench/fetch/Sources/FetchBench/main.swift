// FetchBench: measures the Fetch client against a local upstream (bench/fetch/upstream.py).
//
//   FetchBench sse-latency <url>            per-event latency (upstream stamp -> our consumer), p50/p99 µs
//   FetchBench throughput <url>             bytes/s for one large body
//   FetchBench concurrent <url> <streams>   N concurrent SSE streams: completed, RSS, CPU
//   FetchBench soak <url> <seconds>         holds one SSE stream; fails on error or a gap > 30 s
//
// Each mode prints one `key=value` line that run.sh parses. The url is a parameter so the same
// modes run direct (client -> upstream) or through an `edge` proxy route.
import Fetch
import Glibc

let args = CommandLine.arguments
guard args.count >= 3 else {
    print("usage: FetchBench sse-latency|throughput|concurrent|soak <url> [streams|seconds]")
    exit(2)
}
let url = args[2]
switch args[1] {
case "sse-latency": try await sseLatency(url: url)
case "throughput": try await throughput(url: url)
case "concurrent": try await concurrent(url: url, streams: Int(args[3]) ?? 1000)
case "soak": try await soak(url: url, seconds: Int(args[3]) ?? 360)
default: print("unknown mode \(args[1])"); exit(2)
}

func sseLatency(url: String) async throws {
    let response = try await HTTPClient.shared.fetch(url)
    var latencies: [Double] = []
    for try await event in response.body.sseEvents() {
        let now = Bench.monotonicNanos()
        guard event.data.hasPrefix("t="), let sent = UInt64(event.data.dropFirst(2)) else { continue }
        latencies.append(Double(now &- sent) / 1000)
    }
    latencies.sort()
    print("mode=sse-latency events=\(latencies.count) p50_us=\(Bench.fmt(Bench.percentile(latencies, 0.5))) p99_us=\(Bench.fmt(Bench.percentile(latencies, 0.99)))")
}

func throughput(url: String) async throws {
    let start = Bench.monotonicNanos()
    let response = try await HTTPClient.shared.fetch(url)
    var total = 0
    for try await chunk in response.body { total += chunk.count }
    let seconds = Double(Bench.monotonicNanos() - start) / 1e9
    print("mode=throughput bytes=\(total) seconds=\(Bench.fmt(seconds)) bytes_per_s=\(Int(Double(total) / seconds))")
}

func concurrent(url: String, streams: Int) async throws {
    let start = Bench.monotonicNanos()
    let cpuStart = Bench.cpuSeconds()
    let (completed, events, failures) = await withTaskGroup(of: (Bool, Int).self) { group in
        for _ in 0..<streams {
            group.addTask {
                var count = 0
                do {
                    let response = try await HTTPClient.shared.fetch(url)
                    for try await _ in response.body.sseEvents() { count += 1 }
                    return (true, count)
                } catch {
                    return (false, count)
                }
            }
        }
        var completed = 0, events = 0, failures = 0
        for await (ok, count) in group {
            if ok { completed += 1 } else { failures += 1 }
            events += count
        }
        return (completed, events, failures)
    }
    let wall = Double(Bench.monotonicNanos() - start) / 1e9
    let cpu = Bench.cpuSeconds() - cpuStart
    print("mode=concurrent streams=\(streams) completed=\(completed) failed=\(failures) events=\(events) wall_s=\(Bench.fmt(wall)) cpu_s=\(Bench.fmt(cpu)) cpu_pct=\(Bench.fmt(100 * cpu / wall)) rss_peak_mib=\(Bench.fmt(Bench.peakRSSMiB()))")
}

func soak(url: String, seconds: Int) async throws {
    let start = Bench.monotonicNanos()
    var last = start
    var count = 0
    var maxGap: UInt64 = 0
    let response = try await HTTPClient.shared.fetch(url)
    for try await _ in response.body.sseEvents() {
        let now = Bench.monotonicNanos()
        maxGap = max(maxGap, now - last)
        last = now
        count += 1
        if count % 60 == 0 { print("soak t=\((now - start) / 1_000_000_000)s events=\(count) rss_mib=\(Bench.fmt(Bench.currentRSSMiB()))") }
        if now - start >= UInt64(seconds) * 1_000_000_000 { break }
    }
    let held = Double(last - start) / 1e9
    let ok = held >= Double(seconds) - 1 && maxGap < 30_000_000_000
    print("mode=soak held_s=\(Bench.fmt(held)) events=\(count) max_gap_ms=\(maxGap / 1_000_000) ok=\(ok)")
    if !ok { exit(1) }
}
