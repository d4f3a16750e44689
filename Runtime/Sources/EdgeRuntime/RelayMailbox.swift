import Synchronization

/// A one-slot hand-off from the upstream reader to the relay loop, plus a keep-alive tick flag.
/// ``put(_:)`` returns only once the loop has taken the event, so the reader stays at most one chunk
/// ahead; ticks do not queue up (several while the loop writes count as one).
final class RelayMailbox: Sendable {
    enum Taken: Sendable { case event(EventRelay.Event), tick, closed }

    private struct State {
        var slot: EventRelay.Event?
        var putter: CheckedContinuation<Bool, Never>?
        var taker: CheckedContinuation<Taken, Never>?
        var ticked = false
        var closed = false
    }
    private let state = Mutex(State())

    /// Hands `event` to the loop; false once the relay has stopped.
    func put(_ event: EventRelay.Event) async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let taker: CheckedContinuation<Taken, Never>? = state.withLock { s in
                if s.closed { c.resume(returning: false); return nil }
                if let t = s.taker { s.taker = nil; c.resume(returning: true); return t }
                s.slot = event
                s.putter = c
                return nil
            }
            taker?.resume(returning: .event(event))
        }
    }

    /// A keep-alive tick: wakes the loop if it waits.
    func tick() {
        let taker: CheckedContinuation<Taken, Never>? = state.withLock { s in
            if s.closed { return nil }
            if let t = s.taker { s.taker = nil; return t }
            s.ticked = true
            return nil
        }
        taker?.resume(returning: .tick)
    }

    /// The next event, a tick, or `.closed` once the relay stopped (or the task was cancelled).
    func take() async -> Taken {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Taken, Never>) in
                let (putter, result): (CheckedContinuation<Bool, Never>?, Taken?) = state.withLock { s in
                    if let event = s.slot {
                        s.slot = nil
                        defer { s.putter = nil }
                        return (s.putter, .event(event))
                    }
                    if s.ticked { s.ticked = false; return (nil, .tick) }
                    if s.closed { return (nil, .closed) }
                    s.taker = c
                    return (nil, nil)
                }
                putter?.resume(returning: true)
                if let result { c.resume(returning: result) }
            }
        } onCancel: {
            close()
        }
    }

    /// Stops the hand-off: a waiting reader gets false, a waiting loop `.closed`.
    func close() {
        let (putter, taker): (CheckedContinuation<Bool, Never>?, CheckedContinuation<Taken, Never>?) = state.withLock { s in
            s.closed = true
            s.slot = nil
            defer { s.putter = nil; s.taker = nil }
            return (s.putter, s.taker)
        }
        putter?.resume(returning: false)
        taker?.resume(returning: .closed)
    }
}
