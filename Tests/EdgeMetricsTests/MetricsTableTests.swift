import CoreMetrics
import Testing
@testable import EdgeMetrics

#if canImport(Glibc)
import Glibc
#endif

/// The shared table without processes: two mappings of one file stand for two workers.
@Suite struct MetricsTableTests {
    @Test func twoMappingsOfOneFileSumTheirRegions() throws {
        let shared = try #require(MetricsTable.createShared(regions: 3, createdAtUnixMs: 1234))
        defer { close(shared.fd) }
        let workerA = try #require(MetricsTable.map(fd: shared.fd))
        let workerB = try #require(MetricsTable.map(fd: shared.fd))
        #expect(workerA.regions == 3 && workerA.createdAtUnixMs == 1234)
        let a = workerA.recorder(region: 1, block: 5)
        let b = workerB.recorder(region: 2, block: 5)
        for _ in 0..<3 { a.begin(); a.end(status: 200, nanoseconds: 2_000_000, bytesIn: 10, bytesOut: 100) }
        b.begin(); b.end(status: 503, nanoseconds: 20_000_000_000, bytesIn: 0, bytesOut: 7)
        b.begin()  // still in flight when its worker dies
        let s = shared.table.routeSnapshot(block: 5)
        #expect(s.statusClasses == [0, 3, 0, 0, 1] && s.requests == 4)
        #expect(s.bytesIn == 30 && s.bytesOut == 307 && s.inFlight == 1)
        #expect(s.latencyBuckets[1] == 3, "2 ms falls in (1 ms, 2.5 ms]")
        #expect(s.latencyBuckets.last == 1, "20 s is past the last bound")
        #expect(s.latencySumNanos == 20_006_000_000)

        // Worker B dies: the supervisor clears its gauges; a successor maps the same region and adds on.
        shared.table.resetGauges(region: 2)
        let successor = try #require(MetricsTable.map(fd: shared.fd))
        let b2 = successor.recorder(region: 2, block: 5)
        b2.begin(); b2.end(status: 404, nanoseconds: 1, bytesIn: 0, bytesOut: 0)
        let after = shared.table.routeSnapshot(block: 5)
        #expect(after.statusClasses == [0, 3, 0, 1, 1] && after.inFlight == 0)
    }

    @Test func outOfRangeInputsNeverLeaveTheTable() {
        let t = MetricsTable.anonymous(regions: 1)
        let r = t.recorder(region: 99, block: 100_000)  // falls back to region 0, the unmatched block
        r.begin(); r.end(status: 999, nanoseconds: -5, bytesIn: -1, bytesOut: -1)
        let s = t.routeSnapshot(block: MetricsLayout.unmatchedBlock)
        #expect(s.statusClasses == [0, 0, 0, 0, 1] && s.latencyBuckets[0] == 1 && s.bytesIn == 0)
        #expect(MetricsTable.map(fd: -1) == nil)
    }

    @Test func quantilesInterpolateInsideTheirBucket() {
        var s = RouteSnapshot()
        #expect(s.latencyQuantile(0.95) == nil)
        s.latencyBuckets = [UInt64](repeating: 0, count: MetricsLayout.latencyBounds.count + 1)
        s.latencyBuckets[3] = 100  // all in (5 ms, 10 ms]
        let p95 = try! #require(s.latencyQuantile(0.95))
        #expect(abs(p95 - 0.00975) < 1e-9)
        s.latencyBuckets[3] = 0
        s.latencyBuckets[MetricsLayout.latencyBounds.count] = 10
        #expect(s.latencyQuantile(0.5) == 10, "the +Inf bucket answers the highest bound")
    }

    @Test func theFactoryRecordsCatalogueFiguresOnly() {
        let t = MetricsTable.anonymous(regions: 2)
        let f = EdgeMetricsFactory(table: t, region: 1)
        Counter(label: "edge_cron_runs_total", factory: f).increment(by: 3)
        Counter(label: "edge_kv_operations_total", dimensions: [("op", "commit")], factory: f).increment()
        Counter(label: "not_ours_total", factory: f).increment()
        Timer(label: "edge_kv_fsync_duration_seconds", factory: f).recordNanoseconds(3_000_000)
        Recorder(label: "edge_kv_commit_batch_size", aggregate: true, factory: f).record(5)
        Gauge(label: "edge_kv_store_bytes", factory: f).record(4096)
        let text = MetricsExposition.render(t, routes: [(block: 2, route: #"/a"b\c"#)])
        #expect(text.contains("edge_cron_runs_total 3\n"))
        #expect(text.contains(#"edge_kv_operations_total{op="commit"} 1"#))
        #expect(text.contains(#"edge_kv_operations_total{op="read"} 0"#))
        #expect(!text.contains("not_ours"))
        #expect(text.contains(#"edge_kv_fsync_duration_seconds_bucket{le="0.0025"} 0"#))
        #expect(text.contains(#"edge_kv_fsync_duration_seconds_bucket{le="0.005"} 1"#))
        #expect(text.contains("edge_kv_fsync_duration_seconds_count 1\n"))
        #expect(text.contains(#"edge_kv_commit_batch_size_bucket{le="8.0"} 1"#) && text.contains("edge_kv_commit_batch_size_sum 5.0\n"))
        #expect(text.contains("edge_kv_store_bytes 4096\n"))
        #expect(!text.contains("route="), "a route without requests is not listed")
        let r = t.recorder(region: 0, block: 2)
        r.begin(); r.end(status: 201, nanoseconds: 1, bytesIn: 0, bytesOut: 0)
        #expect(MetricsExposition.render(t, routes: [(block: 2, route: #"/a"b\c"#)]).contains(#"edge_http_requests_total{route="/a\"b\\c",status="2xx"} 1"#))
    }
}
