public import CoreMetrics
import CEdgeAtomics

/// The swift-metrics backend: handlers that add to this process's region of a ``MetricsTable``, so
/// what any module records through swift-metrics lands where every worker's `/metrics` sums it. Only
/// ``MetricsCatalogue`` figures have a place; the rest get swift-metrics' no-op handler. Handlers are
/// made once (at first use of a `Counter`, `Timer`...), never per event.
public final class EdgeMetricsFactory: MetricsFactory {
    let table: MetricsTable
    let region: Int

    public init(table: MetricsTable, region: Int) {
        self.table = table
        self.region = (0..<table.regions).contains(region) ? region : 0
    }

    private func word(_ entry: MetricsCatalogue.Entry, _ i: Int = 0) -> UnsafeMutablePointer<UInt64> {
        table.word(region: region, entry.offset + i)
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let e = MetricsCatalogue.entry(label: label, dimensions: dimensions), case .counter = e.kind else { return NOOPMetricsHandler.instance }
        return SharedCounter(word: word(e))
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard let e = MetricsCatalogue.entry(label: label, dimensions: dimensions) else { return NOOPMetricsHandler.instance }
        switch e.kind {
        case .gauge: return SharedGauge(word: word(e))
        case .histogram(let bounds, let units): return SharedHistogram(sum: word(e), buckets: word(e, 1), bounds: bounds.map { UInt64(($0 * units).rounded()) })
        case .counter: return NOOPMetricsHandler.instance
        }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let e = MetricsCatalogue.entry(label: label, dimensions: dimensions), case .histogram(let bounds, let units) = e.kind else { return NOOPMetricsHandler.instance }
        return SharedHistogram(sum: word(e), buckets: word(e, 1), bounds: bounds.map { UInt64(($0 * units).rounded()) })
    }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}

final class SharedCounter: CounterHandler, @unchecked Sendable {
    let word: UnsafeMutablePointer<UInt64>
    init(word: UnsafeMutablePointer<UInt64>) { self.word = word }
    func increment(by amount: Int64) { if amount > 0 { CEdgeAtomics_add(word, UInt64(amount)) } }
    func reset() {}  // a Prometheus counter never goes down
}

final class SharedGauge: RecorderHandler, @unchecked Sendable {
    let word: UnsafeMutablePointer<UInt64>
    init(word: UnsafeMutablePointer<UInt64>) { self.word = word }
    func record(_ value: Int64) { CEdgeAtomics_store(word, UInt64(max(value, 0))) }
    func record(_ value: Double) { record(value.isFinite && value < 9.2e18 ? Int64(max(value, 0)) : 0) }
}

/// Sum then one word per bucket (`bounds` in recorded units, then `+Inf`), each bucket counted alone.
final class SharedHistogram: RecorderHandler, TimerHandler, @unchecked Sendable {
    let sum: UnsafeMutablePointer<UInt64>
    let buckets: UnsafeMutablePointer<UInt64>
    let bounds: [UInt64]

    init(sum: UnsafeMutablePointer<UInt64>, buckets: UnsafeMutablePointer<UInt64>, bounds: [UInt64]) {
        self.sum = sum
        self.buckets = buckets
        self.bounds = bounds
    }

    func observe(_ value: UInt64) {
        CEdgeAtomics_add(sum, value)
        var i = 0
        while i < bounds.count, value > bounds[i] { i += 1 }
        CEdgeAtomics_add(buckets + i, 1)
    }

    func record(_ value: Int64) { observe(UInt64(max(value, 0))) }
    func record(_ value: Double) { record(value.isFinite && value < 9.2e18 ? Int64(max(value, 0).rounded()) : 0) }
    func recordNanoseconds(_ duration: Int64) { record(duration) }
}
