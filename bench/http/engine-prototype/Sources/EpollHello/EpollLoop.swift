import CEngineShim
import Glibc

/// One thread's event loop: a listening socket of its own (SO_REUSEPORT spreads connections over loops),
/// level-triggered epoll, reads into the connection's input, parses every complete head, answers, and
/// writes once per read. `taskMode` runs each request as a Swift task on the loop's executor instead of
/// answering inline.
final class EpollLoop: @unchecked Sendable {
    let listenFD: Int32
    let taskMode: Bool
    private var epollFD: Int32 = -1
    private var wakeFD: Int32 = -1
    private var connections: [Connection?] = []
    private var answers = Answers()
    private var executor: LoopExecutor!

    init(listenFD: Int32, taskMode: Bool) {
        self.listenFD = listenFD
        self.taskMode = taskMode
    }

    func run() -> Never {
        epollFD = ces_epoll_create()
        wakeFD = ces_wake_fd()
        precondition(epollFD >= 0 && wakeFD >= 0, "epoll_create1/eventfd failed")
        executor = LoopExecutor(owner: pthread_self(), wakeFD: wakeFD)
        watch(listenFD, UInt32(ces_in))
        watch(wakeFD, UInt32(ces_in))
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        while true {
            let n = ces_epoll_wait(epollFD, events, Int32(capacity), executor.hasLocalJobs ? 0 : 1000)
            answers.refresh()
            if n > 0 {
                for k in 0..<Int(n) {
                    let fd = ces_event_fd(events, Int32(k))
                    let flags = ces_event_flags(events, Int32(k))
                    if fd == listenFD {
                        acceptAll()
                    } else if fd == wakeFD {
                        var value: UInt64 = 0
                        _ = read(wakeFD, &value, 8)
                    } else if fd < connections.count, let c = connections[Int(fd)] {
                        if flags & UInt32(ces_out) != 0 { flush(c) }
                        if flags & (UInt32(ces_in) | UInt32(ces_hup) | UInt32(ces_err)) != 0, !c.closed {
                            readable(c)
                        }
                    }
                }
            }
            executor.runJobs()
        }
    }

    private func watch(_ fd: Int32, _ events: UInt32, modify: Bool = false) {
        _ = ces_epoll_watch(epollFD, fd, events, modify ? 1 : 0)
    }

    private func acceptAll() {
        while true {
            let fd = ces_accept(listenFD)
            guard fd >= 0 else { return }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Int(fd) >= connections.count {
                connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count))
            }
            connections[Int(fd)] = Connection(fd: fd)
            watch(fd, UInt32(ces_in))
        }
    }

    private func close(_ c: Connection) {
        guard !c.closed else { return }
        c.closed = true
        connections[Int(c.fd)] = nil
        _ = Glibc.close(c.fd)
    }

    private func readable(_ c: Connection) {
        c.input.reserve(4096)
        let room = c.input.capacity - c.input.end
        let n = read(c.fd, c.input.base + c.input.end, room)
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { close(c); return }
        if n < 0 { return }
        c.input.end += n
        process(c)
    }

    /// Answers every complete request in the input (task mode: starts the first and waits for it).
    private func process(_ c: Connection) {
        while !c.busy, !c.closeWhenFlushed {
            let bytes = UnsafeRawBufferPointer(start: c.input.base, count: c.input.end)
            guard let parsed = HeadParser.parse(bytes, start: c.input.start, end: c.input.end, searched: &c.searched) else { break }
            switch parsed {
            case .failure(let error):
                Answers.refusal(error).withUnsafeBytes { c.output.append($0) }
                c.closeWhenFlushed = true
            case .success(let head):
                let total = head.headLength + head.contentLength
                guard head.contentLength <= HeadParser.maxContentLength else {
                    Answers.refusal(.tooLarge).withUnsafeBytes { c.output.append($0) }
                    c.closeWhenFlushed = true
                    break
                }
                guard c.input.end - c.input.start >= total else { c.searched = 0; flush(c); return }
                let headStart = c.input.start
                c.input.start += total
                c.searched = 0
                if !head.keepAlive { c.closeWhenFlushed = true }
                if taskMode {
                    start(head, at: headStart, bytes: bytes, on: c)
                } else {
                    answerInline(head, bytes: bytes, into: c)
                }
            }
        }
        flush(c)
    }

    private func answerInline(_ head: RequestHead, bytes: UnsafeRawBufferPointer, into c: Connection) {
        let isHello = head.target.count == 6 && memcmp(bytes.baseAddress! + head.target.lowerBound, "/hello", 6) == 0
            && head.method.count == 3 && memcmp(bytes.baseAddress! + head.method.lowerBound, "GET", 3) == 0
        (isHello ? answers.hello : answers.notFound).withUnsafeBytes { c.output.append($0) }
    }

    /// Task mode: the request as strings, handled by an async function in a task on this loop.
    private func start(_ head: RequestHead, at headStart: Int, bytes: UnsafeRawBufferPointer, on c: Connection) {
        func string(_ r: Range<Int>) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self)
        }
        var fields: [(String, String)] = []
        fields.reserveCapacity(head.fields.count)
        for f in head.fields { fields.append((string(f.name), string(f.value))) }
        let bodyStart = headStart + head.headLength
        let request = Request(method: string(head.method), path: string(head.target), fields: fields,
                              body: Array(bytes[bodyStart..<bodyStart + head.contentLength]))
        c.busy = true
        Task(executorPreference: executor) { [self] in
            let response = await handle(request)
            finish(response, on: c)
        }
    }

    private func finish(_ response: Response, on c: Connection) {
        c.busy = false
        guard !c.closed else { return }
        answers.encode(response, into: &c.output)
        process(c)
    }

    private func flush(_ c: Connection) {
        guard !c.output.isEmpty else {
            if c.closeWhenFlushed, !c.busy { close(c) }
            return
        }
        guard c.output.drain(to: c.fd) else { close(c); return }
        if c.output.isEmpty {
            if c.waitingForWritable { c.waitingForWritable = false; watch(c.fd, UInt32(ces_in), modify: true) }
            if c.closeWhenFlushed, !c.busy { close(c) }
        } else if !c.waitingForWritable {
            c.waitingForWritable = true
            watch(c.fd, UInt32(ces_in) | UInt32(ces_out), modify: true)
        }
    }
}

/// The task-mode handler: what a route file would be.
@inline(never)
func handle(_ request: Request) async -> Response {
    if request.method == "GET", request.path == "/hello" {
        return Response(status: 200, fields: [("content-type", "text/plain; charset=utf-8")], body: Array("Hello, world!".utf8))
    }
    return Response(status: 404, fields: [("content-type", "application/json")], body: Array(#"{"error":"not_found"}"#.utf8))
}
