import EdgeMetrics
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The requests a worker is serving, in memory its supervisor can read after the worker dies: a small
/// file (unlinked at once, passed as a descriptor) mapped into the worker. So a crash log names what the
/// dead worker was doing (request id, method, path), at the cost of a copy into a mapped page per
/// request: no system call, nothing sent to the supervisor while the worker lives.
///
/// Layout: ``slots`` fixed-size records; byte 0 is 1 while the slot's request is in flight, then the
/// text `requestId method path` padded with zeros. Slots are handed out round-robin: past ``slots``
/// requests at once the oldest entries are overwritten (it is a diagnostic, not a ledger).
public final class InFlightTable: @unchecked Sendable {
    public static let slots = 256
    public static let slotSize = 256
    static var byteCount: Int { slots * slotSize }

    /// The table this worker writes, once `install(fd:)` mapped it.
    public static var current: InFlightTable? { installed.withLock { $0 } }
    private static let installed = Mutex<InFlightTable?>(nil)

    private let base: UnsafeMutableRawPointer
    private let next = Atomic<Int>(0)

    private init(base: UnsafeMutableRawPointer) { self.base = base }

    /// Maps the table the supervisor passed (worker side).
    public static func install(fd: Int32) {
        guard let p = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else { return }
        installed.withLock { $0 = InFlightTable(base: p) }
    }

    /// Records a request as in flight; returns its slot for ``end(_:)``.
    public func begin(requestId: String, method: String, path: String) -> Int {
        let slot = next.wrappingAdd(1, ordering: .relaxed).oldValue & (Self.slots - 1)
        let record = base + slot * Self.slotSize
        record.storeBytes(of: 0, as: UInt8.self)
        var offset = 1
        for part in [requestId, method, path] {
            for b in part.utf8 where offset < Self.slotSize - 1 {
                record.storeBytes(of: b, toByteOffset: offset, as: UInt8.self)
                offset += 1
            }
            if offset < Self.slotSize - 1 { record.storeBytes(of: UInt8(ascii: " "), toByteOffset: offset, as: UInt8.self); offset += 1 }
        }
        (record + offset).initializeMemory(as: UInt8.self, repeating: 0, count: Self.slotSize - offset)
        record.storeBytes(of: 1, as: UInt8.self)
        return slot
    }

    public func end(_ slot: Int) {
        (base + slot * Self.slotSize).storeBytes(of: 0, as: UInt8.self)
    }

    // MARK: supervisor side

    /// A new, empty table file for one worker (unlinked; the descriptor is its only name).
    static func create() -> Int32? {
        SharedMemoryFile.create(prefix: "edge-inflight", size: byteCount)
    }

    /// The entries still marked in flight in a dead worker's table.
    static func inFlight(fd: Int32) -> [String] {
        var bytes = [UInt8](repeating: 0, count: byteCount)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, byteCount, 0) }
        guard n == byteCount else { return [] }
        var out: [String] = []
        for slot in 0..<slots where bytes[slot * slotSize] == 1 {
            let record = bytes[(slot * slotSize + 1)..<((slot + 1) * slotSize)]
            let text = record.prefix { $0 != 0 }
            out.append(String(decoding: text, as: UTF8.self).trimmingSuffix(" "))
        }
        return out
    }
}

extension String {
    fileprivate func trimmingSuffix(_ c: Character) -> String {
        var s = Substring(self)
        while s.last == c { s = s.dropLast() }
        return String(s)
    }
}
