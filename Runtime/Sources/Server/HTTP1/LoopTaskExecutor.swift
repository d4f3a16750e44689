import NIOCore

/// A channel's event loop as a Swift task executor. A connection's task that prefers it runs its
/// nonisolated code on the thread that reads and writes its socket: a handler that never suspends goes
/// from parsed head to written response without a thread hop, and one that awaits (KV on another
/// actor, `fetch` on curl's thread) comes back to this loop when it resumes.
///
/// A handler that blocks its thread therefore blocks the other connections on this loop, as in Node
/// or Deno. Handlers must not block (the KV store's calls are short and bounded).
final class LoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    /// Runs the job on the loop *as this task executor*. (`EventLoop.enqueue` would run it as the loop's
    /// serial executor; the runtime then sees every nonisolated `await` as a switch of executor and
    /// re-enqueues the task: measured 14 loop hops per request instead of 1.)
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
