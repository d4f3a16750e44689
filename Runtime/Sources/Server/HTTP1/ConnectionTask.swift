import NIOCore
import Synchronization

/// The task that serves one connection's requests, one after another, on the connection's event loop.
///
/// A task per request cost its creation and destruction on every request, and, because a new task
/// starts with an empty allocator, a `malloc` and `free` for each async frame past its first slab
/// (seven per hello request). The connection's task keeps its slabs from one request to the next: it
/// serves a request, then waits for the next one ``HTTPConnectionHandler`` submits (the handler submits
/// a head only once the previous response has ended, so at most one waits).
///
/// The task ends when the connection does (``close()``), and after a request whose deadline cancelled it
/// (``Deadline/onCurrentTask(until:_:)`` cancels the task it runs on; that response closes the
/// connection): a request submitted after that starts a new task. An idle keep-alive connection holds
/// its suspended task and the task's slabs (a few KiB) until it closes.
final class ConnectionTask: Sendable {
    /// One request, as the handler parsed it.
    struct Work: Sendable {
        let head: RequestHead
        let framing: RequestFraming
        let body: RequestBodySource?
        /// Read when the head arrived: NIO forgets the peer once the channel closes.
        let peer: SocketAddress?
    }

    private enum State {
        /// No task: the next request starts one.
        case none
        /// The task is serving a request; `pending` were submitted meanwhile.
        case serving(pending: [Work])
        /// The task waits for the next request.
        case waiting(UnsafeContinuation<Work?, Never>)
        /// The connection is gone: nothing more is served.
        case closed
    }

    private let state = Mutex(State.none)
    private let responder: HTTP1Responder
    private let channel: any Channel
    private let executor: LoopTaskExecutor
    private let ended: @Sendable (Bool) -> Void

    init(responder: HTTP1Responder, channel: any Channel, executor: LoopTaskExecutor, ended: @escaping @Sendable (Bool) -> Void) {
        self.responder = responder
        self.channel = channel
        self.executor = executor
        self.ended = ended
    }

    /// Serves `work` after the requests before it: on the waiting task, or on a new one.
    func submit(_ work: Work) {
        enum Action { case start, resume(UnsafeContinuation<Work?, Never>), none }
        let action: Action = state.withLock { s in
            switch s {
            case .none:
                s = .serving(pending: [])
                return .start
            case .serving(var pending):
                pending.append(work)
                s = .serving(pending: pending)
                return .none
            case .waiting(let continuation):
                s = .serving(pending: [])
                return .resume(continuation)
            case .closed:
                return .none
            }
        }
        switch action {
        case .start: Task(executorPreference: executor) { await self.run(work) }
        case .resume(let continuation): continuation.resume(returning: work)
        case .none: break
        }
    }

    /// The connection is gone: a waiting task ends, and nothing submitted later is served.
    func close() {
        let waiting: UnsafeContinuation<Work?, Never>? = state.withLock { s in
            defer { s = .closed }
            if case .waiting(let continuation) = s { return continuation }
            return nil
        }
        waiting?.resume(returning: nil)
    }

    private func run(_ first: Work) async {
        var work = first
        while true {
            await responder.serve(
                work.head, framing: work.framing, body: work.body, peer: work.peer, channel: channel, executor: executor, ended: ended
            )
            if Task.isCancelled {
                handOff()
                return
            }
            guard let next = await next() else { return }
            work = next
        }
    }

    /// The next request: one already submitted, or the next to be; nil once the connection is gone.
    private func next() async -> Work? {
        await withUnsafeContinuation { continuation in
            let ready: Work?? = state.withLock { s in
                switch s {
                case .serving(var pending) where !pending.isEmpty:
                    let work = pending.removeFirst()
                    s = .serving(pending: pending)
                    return .some(work)
                case .closed:
                    return .some(nil)
                default:
                    s = .waiting(continuation)
                    return .none
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// This task was cancelled (a deadline): requests submitted meanwhile go to a new task, and the
    /// next one submitted starts one.
    private func handOff() {
        let pending: [Work] = state.withLock { s in
            guard case .serving(let pending) = s else { return [] }
            s = .none
            return pending
        }
        for work in pending { submit(work) }
    }
}
