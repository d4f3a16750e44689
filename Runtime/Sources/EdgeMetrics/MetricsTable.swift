import CEdgeAtomics
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// 64-bit counters in memory that several processes map: the figures `/metrics` renders. Every process
/// adds to its own region with relaxed atomic adds (no lock, no system call); a reader sums the regions.
/// A worker that dies leaves its region's counters in place, and its successor in the same slot keeps
/// adding to them, so a counter never goes down; gauges of the dead worker are cleared by the supervisor
/// (``resetGauges(region:)``) before the successor starts.
///
/// The memory is a file the supervisor creates and unlinks at once (its descriptor is its only name,
/// inherited by the workers), or anonymous memory for a single process and for tests.
public final class MetricsTable: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt64>
    public let regions: Int
    let wordCount: Int
    /// How the memory is given back: heap memory is freed, a mapping unmapped.
    private let heap: Bool

    private init(base: UnsafeMutableRawPointer, regions: Int, heap: Bool = false) {
        self.base = base.bindMemory(to: UInt64.self, capacity: MetricsLayout.headerWords + regions * MetricsLayout.wordsPerRegion)
        self.regions = regions
        self.wordCount = MetricsLayout.headerWords + regions * MetricsLayout.wordsPerRegion
        self.heap = heap
    }

    deinit {
        if heap { UnsafeMutableRawPointer(base).deallocate() } else { munmap(base, Self.byteCount(regions: regions)) }
    }

    static func byteCount(regions: Int) -> Int {
        (MetricsLayout.headerWords + regions * MetricsLayout.wordsPerRegion) * MemoryLayout<UInt64>.size
    }

    /// A fresh, zeroed table in this process's memory with `regions` regions (one process, or a test).
    public static func anonymous(regions: Int = 1, createdAtUnixMs: Int64 = 0) -> MetricsTable {
        let n = max(1, min(regions, MetricsLayout.maxRegions))
        let bytes = byteCount(regions: n)
        let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: MemoryLayout<UInt64>.alignment)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        let table = MetricsTable(base: p, regions: n, heap: true)
        table.writeHeader(createdAtUnixMs: createdAtUnixMs)
        return table
    }

    /// A new table file for a supervisor and its workers: the unlinked file's descriptor (close-on-exec;
    /// the spawner hands it on) and the table mapped here, or nil.
    public static func createShared(regions: Int, createdAtUnixMs: Int64) -> (fd: Int32, table: MetricsTable)? {
        let n = max(1, min(regions, MetricsLayout.maxRegions))
        guard let fd = SharedMemoryFile.create(prefix: "edge-metrics", size: byteCount(regions: n)) else { return nil }
        guard let table = map(fd: fd, regions: n) else { close(fd); return nil }
        table.writeHeader(createdAtUnixMs: createdAtUnixMs)
        return (fd, table)
    }

    /// Maps the table behind `fd` (a worker's inheritance). Nil when it is not one of ours.
    public static func map(fd: Int32) -> MetricsTable? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let words = Int(st.st_size) / MemoryLayout<UInt64>.size - MetricsLayout.headerWords
        guard words > 0, words % MetricsLayout.wordsPerRegion == 0 else { return nil }
        let n = words / MetricsLayout.wordsPerRegion
        guard n <= MetricsLayout.maxRegions, let table = map(fd: fd, regions: n) else { return nil }
        return table.load(0) == MetricsLayout.magic || table.load(0) == 0 ? table : nil
    }

    private static func map(fd: Int32, regions: Int) -> MetricsTable? {
        guard let p = mmap(nil, byteCount(regions: regions), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else { return nil }
        return MetricsTable(base: p, regions: regions)
    }

    private func writeHeader(createdAtUnixMs: Int64) {
        CEdgeAtomics_store(base + 1, UInt64(regions))
        CEdgeAtomics_store(base + 2, UInt64(MetricsLayout.wordsPerRegion))
        CEdgeAtomics_store(base + 3, UInt64(bitPattern: createdAtUnixMs))
        CEdgeAtomics_store(base, MetricsLayout.magic)
    }

    /// When the table was made (Unix ms, as its creator's clock said).
    public var createdAtUnixMs: Int64 { Int64(bitPattern: load(3)) }

    // MARK: words

    /// The address of word `offset` of `region` (offsets from ``MetricsLayout``).
    @inline(__always)
    func word(region: Int, _ offset: Int) -> UnsafeMutablePointer<UInt64> {
        base + MetricsLayout.headerWords + region * MetricsLayout.wordsPerRegion + offset
    }

    @inline(__always)
    func load(_ absolute: Int) -> UInt64 { CEdgeAtomics_load(base + absolute) }

    /// Word `offset` summed over every region.
    func sum(_ offset: Int) -> UInt64 {
        var total: UInt64 = 0
        for r in 0..<regions { total &+= CEdgeAtomics_load(word(region: r, offset)) }
        return total
    }

    /// Word `offset`'s largest value over the regions (gauges every process measures alike, e.g. store size).
    func maximum(_ offset: Int) -> UInt64 {
        var top: UInt64 = 0
        for r in 0..<regions { top = max(top, CEdgeAtomics_load(word(region: r, offset))) }
        return top
    }

    /// Clears the gauges of `region` (requests in flight), for the supervisor once the region's worker
    /// died: what it was serving is not in flight any more. Counters stay.
    public func resetGauges(region: Int) {
        guard region >= 0, region < regions else { return }
        for block in 0..<MetricsLayout.routeBlocks {
            CEdgeAtomics_store(word(region: region, MetricsLayout.catalogueWords + block * MetricsLayout.routeWords + MetricsLayout.inFlight), 0)
        }
    }
}
