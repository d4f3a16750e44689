import CProcess
import EdgeRuntime
import Logging
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Accepts connections on a listening socket (this process's, or one shared with other worker
/// processes), on a thread of its own, and hands each one to the event loops with the server's pipeline.
///
/// Why not NIO's server channel: every process sharing the socket is woken for each connection and all
/// but one find nothing to accept, which NIO's server channel asserts never happens (debug builds); the
/// same assertion fails when a back-off pauses and resumes it. Here a lost race is simply `EAGAIN`.
/// Running out of file descriptors or memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`) pauses
/// accepting for ``ConnectionLimits/acceptBackoff`` instead of spinning (the socket stays readable),
/// logged through ``ConnectionGate/acceptFailed(errno:)``. Connections never take the last
/// ``EdgeLimits/reservedDescriptors`` descriptors (``DescriptorReserve``): out of descriptors, the loop lets
/// its reserve go for the rest of the process and resumes only once it holds the whole reserve again.
final class SharedAcceptLoop: @unchecked Sendable {
    private let listenFD: Int32
    private let wake: [Int32]
    private let group: any EventLoopGroup
    private let initialize: @Sendable (any Channel) -> EventLoopFuture<Void>
    private let gate: ConnectionGate
    private var logger: Logger { gate.logger }
    /// Open connections, and accepted ones still being handed to an event loop, for a graceful drain.
    private let open = Mutex<(channels: [ObjectIdentifier: any Channel], adopting: Int, quiescing: Bool)>(([:], 0, false))
    private let finished = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(listenFD: Int32, group: any EventLoopGroup, gate: ConnectionGate, initialize: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw IOError(errnoCode: errno, reason: "pipe") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // Every sharer polls before accepting: the socket must not block a loser of the race.
        _ = fcntl(listenFD, F_SETFL, fcntl(listenFD, F_GETFL) | O_NONBLOCK)
        self.listenFD = listenFD
        self.wake = fds
        self.group = group
        self.gate = gate
        self.initialize = initialize
    }

    /// Starts accepting on a thread of its own.
    func start() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        pthread_create(&thread, nil, { arg in
            let me = Unmanaged<SharedAcceptLoop>.fromOpaque(arg!).takeRetainedValue()
            me.loop()
            return nil
        }, box.toOpaque())
        pthread_detach(thread)
    }

    /// Stops accepting (this process's connections stay open); returns once the thread has stopped.
    func stopAccepting() async {
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = finished.withLock { s -> Bool in
                if s.done { return true }
                s.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    /// Asks every connection to finish its current (or first) request and close, including ones still
    /// being handed over; returns whether any remain.
    func quiesce() {
        let channels = open.withLock { s -> [any Channel] in
            s.quiescing = true
            return Array(s.channels.values)
        }
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    /// True while a connection is open or being handed over.
    var hasConnections: Bool { open.withLock { !$0.channels.isEmpty || $0.adopting > 0 } }

    /// Closes whatever is still open.
    func closeAll() {
        for channel in open.withLock({ Array($0.channels.values) }) { channel.close(promise: nil) }
    }

    private func loop() {
        let backoffMs = Int32(clamping: gate.limits.acceptBackoff.components.seconds * 1000
            + gate.limits.acceptBackoff.components.attoseconds / 1_000_000_000_000_000)
        var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
        var reserve = DescriptorReserve(count: EdgeLimits.reservedDescriptors)
        _ = reserve.refill()
        defer { reserve.release() }
        accepting: while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let n = poll(&fds, 2, -1)
            if n < 0 { if errno == EINTR { continue }; break }
            if fds[1].revents != 0 { break }
            while true {
                let client = CProcess_acceptNonBlocking(listenFD)
                if client >= 0 {
                    adopt(client)
                    continue
                }
                switch errno {
                case EAGAIN, EWOULDBLOCK: continue accepting  // another worker took it, or none left
                case EINTR, ECONNABORTED, EPROTO: continue
                default:
                    let code = errno
                    if code == EMFILE || code == ENFILE { reserve.release() }
                    gate.acceptFailed(errno: code)
                    repeat {
                        _ = poll(&fds[1], 1, backoffMs)
                        if fds[1].revents != 0 { break accepting }
                    } while !reserve.refill()
                    continue accepting
                }
            }
        }
        let waiters = finished.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.done = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    private func adopt(_ fd: Int32) {
        open.withLock { $0.adopting += 1 }
        let initialize = self.initialize
        ClientBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in initialize(channel) }
            .withConnectedSocket(fd)
            .whenComplete { [weak self] result in
                switch result {
                case .success(let channel):
                    guard let self else { return }
                    let id = ObjectIdentifier(channel)
                    let quiescing = self.open.withLock { s -> Bool in
                        s.channels[id] = channel
                        s.adopting -= 1
                        return s.quiescing
                    }
                    channel.closeFuture.whenComplete { _ in _ = self.open.withLock { $0.channels.removeValue(forKey: id) } }
                    if quiescing { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
                case .failure(let error):
                    // NIO owns the descriptor once it tried to adopt it; closing it here could close a reused number.
                    self?.open.withLock { $0.adopting -= 1 }
                    self?.logger.error("could not adopt a connection", metadata: ["error": .string("\(error)")])
                }
            }
    }
}
