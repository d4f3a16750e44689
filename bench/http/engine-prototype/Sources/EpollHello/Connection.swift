/// One accepted socket: its unread input, its unsent output, and whether a task-mode request is in
/// flight (requests on one connection are answered in order, one at a time).
final class Connection: @unchecked Sendable {
    let fd: Int32
    var input = ByteQueue(capacity: 4096)
    var output = ByteQueue(capacity: 4096)
    /// Bytes of the current head already searched for its blank line.
    var searched = 0
    var busy = false
    var closeWhenFlushed = false
    var waitingForWritable = false
    var closed = false

    init(fd: Int32) { self.fd = fd }
}
