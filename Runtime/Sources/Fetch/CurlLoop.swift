import CCurl
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The dedicated thread that owns the curl multi handle and every easy handle.
///
/// Other threads talk to it only through ``submit(_:)``: commands go into a lock-protected inbox
/// and `curl_multi_wakeup` interrupts `curl_multi_poll`. Each turn of the loop applies queued
/// commands, runs `curl_multi_perform`, completes finished transfers, fires due deadlines and
/// sleeps in `curl_multi_poll` until socket activity, a wakeup, curl's own timer or our next deadline.
final class CurlLoop: @unchecked Sendable {
    enum Command {
        case add(Transfer)
        case abort(Transfer)
        case resumeReceive(Transfer)
        case resumeSend(Transfer)
    }

    struct Inbox {
        var commands: [Command] = []
        var stopping = false
        var closed = false
    }

    let configuration: HTTPClient.Configuration
    private let inbox = Mutex(Inbox())
    private let exited = Mutex(false)
    private let count = Atomic<Int>(0)
    let multi: UnsafeMutableRawPointer
    private var thread: pthread_t?

    // curl-thread state
    var active: [UnsafeMutableRawPointer: Transfer] = [:]
    /// No deadline of any active transfer is earlier than this (lazy: deadlines only move later,
    /// and every new earlier deadline is reported through ``noteDeadline(_:)``).
    var nextDeadlineScan: UInt64 = .max
    /// Easy handles of completed transfers, reset, for the next ones (curl thread).
    var spareEasyHandles: [UnsafeMutableRawPointer] = []
    /// Transfers that received bytes this turn while their consumer waited (``ResponseStream/deliverReceived()``).
    private var deliveries: [Transfer] = []

    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
        precondition(CCurl_global_init_once() == CURLE_OK, "curl_global_init failed")
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        _ = CCurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, FetchLimits.maxIdleConnections)  // a cache size: no failure to act on
        var tid = pthread_t()
        let box = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&tid, nil, { arg in
            let loop = Unmanaged<CurlLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.run()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        thread = tid
    }

    var activeCount: Int { count.load(ordering: .relaxed) }

    /// Queues a command for the curl thread and wakes it. Returns `false` after shutdown.
    @discardableResult
    func submit(_ command: Command) -> Bool {
        inbox.withLock { box in
            guard !box.closed, !box.stopping else { return false }
            box.commands.append(command)
            curl_multi_wakeup(multi)
            return true
        }
    }

    /// Starts `transfer`, or fails it at once if the client is shut down.
    func start(_ transfer: Transfer) {
        if !submit(.add(transfer)) {
            transfer.stream.finish(.failure(FetchError(.aborted, message: "the HTTP client was shut down", url: transfer.request.url)))
        }
    }

    /// Stops the thread after failing every transfer; waits for it to exit. Idempotent.
    func shutdown() {
        let first = inbox.withLock { box -> Bool in
            if box.stopping || box.closed { return false }
            box.stopping = true
            curl_multi_wakeup(multi)
            return true
        }
        if first, let thread, !pthread_equal(thread, pthread_self()).isTrue {
            pthread_join(thread, nil)
        }
    }

    /// Wakes `transfer`'s waiting consumer once this turn's socket reads are done (curl thread).
    func deliverAfterThisTurn(_ transfer: Transfer) {
        if deliveries.last !== transfer { deliveries.append(transfer) }
    }

    /// Lowers the next deadline scan to `deadline` (curl thread).
    func noteDeadline(_ deadline: UInt64?) {
        if let deadline, deadline < nextDeadlineScan { nextDeadlineScan = deadline }
    }

    private func run() {
        while true {
            let (commands, stopping) = inbox.withLock { box -> ([Command], Bool) in
                defer { box.commands.removeAll(keepingCapacity: true) }
                return (box.commands, box.stopping)
            }
            if stopping { break }
            for command in commands { apply(command) }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            if !deliveries.isEmpty {
                for transfer in deliveries { transfer.stream.deliverReceived() }
                deliveries.removeAll(keepingCapacity: true)
            }
            completeFinishedTransfers()
            fireDueDeadlines()
            count.store(active.count, ordering: .relaxed)

            var timeout = FetchLimits.maxPollIntervalMilliseconds
            if nextDeadlineScan != .max {
                let now = MonotonicClock.now()
                let ms = nextDeadlineScan > now ? (nextDeadlineScan - now + 999_999) / 1_000_000 : 0
                timeout = Int32(min(UInt64(timeout), ms))
            }
            curl_multi_poll(multi, nil, 0, timeout, nil)
        }
        tearDown()
    }

    private func apply(_ command: Command) {
        switch command {
        case .add(let transfer): add(transfer)
        case .abort(let transfer):
            if let easy = transfer.easy, active[easy] === transfer {
                finish(transfer, .failure(FetchError(.aborted, message: "the consumer cancelled the request", url: transfer.request.url)))
            }
        case .resumeReceive(let transfer): resume(transfer, receive: true)
        case .resumeSend(let transfer): resume(transfer, receive: false)
        }
    }

    private func tearDown() {
        let leftovers = inbox.withLock { box -> [Command] in
            box.closed = true
            defer { box.commands = [] }
            return box.commands
        }
        let error = FetchError(.aborted, message: "the HTTP client was shut down")
        for command in leftovers {
            if case .add(let transfer) = command { transfer.stream.finish(.failure(error)); transfer.upload?.close() }
        }
        for transfer in Array(active.values) { finish(transfer, .failure(error)) }
        for easy in spareEasyHandles { curl_easy_cleanup(easy) }
        spareEasyHandles = []
        count.store(0, ordering: .relaxed)
        curl_multi_cleanup(multi)
    }
}

extension Int32 {
    fileprivate var isTrue: Bool { self != 0 }
}
