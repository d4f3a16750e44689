import Glibc

/// A growable byte queue: a connection's unread input or its unsent output.
struct ByteQueue: ~Copyable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var start = 0
    var end = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { start == end }

    /// Room for at least `n` more bytes after `end` (moving unread bytes to the front first).
    mutating func reserve(_ n: Int) {
        if start == end { start = 0; end = 0 }
        if capacity - end >= n { return }
        if start > 0 {
            memmove(base, base + start, end - start)
            end -= start
            start = 0
            if capacity - end >= n { return }
        }
        var newCapacity = capacity * 2
        while newCapacity - end < n { newCapacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: base, byteCount: end)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let b = bytes.baseAddress { (base + end).copyMemory(from: b, byteCount: bytes.count) }
        end += bytes.count
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func appendDecimal(_ n: Int) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var v = n, k = d.count
            repeat { k -= 1; d[k] = UInt8(0x30 + v % 10); v /= 10 } while v > 0
            append(UnsafeRawBufferPointer(rebasing: d[k...]))
        }
    }

    /// Writes what it can to `fd`; returns false on a fatal error.
    mutating func drain(to fd: Int32) -> Bool {
        while start < end {
            let n = write(fd, base + start, end - start)
            if n > 0 { start += n; continue }
            if n < 0, errno == EINTR { continue }
            return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
        }
        start = 0; end = 0
        return true
    }
}
