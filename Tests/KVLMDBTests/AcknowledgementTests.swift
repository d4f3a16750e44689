import Synchronization
import Testing
import KV
@testable import KVLMDB

/// The writer's acknowledgement rule (Docs/Decisions/0026): with MDB_NOMETASYNC a commit's meta page
/// is not flushed by the commit itself, so a batch's jobs complete only after a later flush.
@Suite struct AcknowledgementTests {
    /// Submits a job that records the writer's flush count inside its batch (before the commit) and
    /// again when it completes; returns (inside, at completion, error).
    static func submit(_ writer: LMDBWriter, writes: Bool) async -> (Int, Int, KvError?) {
        let inside = Atomic<Int>(-1)
        return await withCheckedContinuation { (cont: CheckedContinuation<(Int, Int, KvError?), Never>) in
            writer.submit(WriteJob(run: { (w: borrowing LMDBWriteTxn) throws(KvError) in
                inside.store(writer.flushes.load(ordering: .relaxed), ordering: .relaxed)
                if writes { _ = w.nextVersionstamp() }
            }, complete: { error in
                cont.resume(returning: (inside.load(ordering: .relaxed), writer.flushes.load(ordering: .relaxed), error))
            }))
        }
    }

    /// A lone writing job: its commit flushes once (pages), and it completes only after a second
    /// flush (its meta page).
    @Test func loneCommitCompletesAfterTheNextFlush() async throws {
        try await withKv { _, store, _ in
            let (inside, done, error) = await Self.submit(store.writer, writes: true)
            #expect(error == nil)
            #expect(done >= inside + 2, "completed after its own commit's flush and one more")
        }
    }

    /// A job whose batch writes nothing still completes only after a flush that began after it ran
    /// (its outcome may rest on a commit whose meta page is not flushed yet).
    @Test func batchWithoutWritesCompletesAfterAFlush() async throws {
        try await withKv { _, store, _ in
            let (inside, done, error) = await Self.submit(store.writer, writes: false)
            #expect(error == nil)
            #expect(done >= inside + 1)
        }
    }

    /// 200 concurrent jobs (batches pipeline: one batch's flush acknowledges the one before): every
    /// writing job completes at least two flushes after it ran, and the store holds every commit.
    @Test func concurrentCommitsCompleteAfterTheNextFlush() async throws {
        try await withKv { kv, store, _ in
            let results = await withTaskGroup(of: (Int, Int, KvError?).self) { group in
                for _ in 0..<200 { group.addTask { await Self.submit(store.writer, writes: true) } }
                var out: [(Int, Int, KvError?)] = []
                for await r in group { out.append(r) }
                return out
            }
            #expect(results.allSatisfy { $0.2 == nil })
            #expect(results.allSatisfy { $0.1 >= $0.0 + 2 }, "no job completed before the flush after its commit")
            #expect(try store.currentVersionstamp().counter == 200)
            // Acknowledged writes through the public API are readable at once.
            try await kv.set(["after"], "x")
            #expect(try await kv.get(["after"]).value == "x")
        }
    }
}
