import Foundation
import KV
import KVTool
import Testing
@testable import KVLMDB

/// `edge kv restore` refuses what would lose data, and changes nothing when it does.
@Suite struct RestoreSafetyTests {
    /// A store at `dir` with one key, closed.
    func seeded(_ dir: TempDir) async throws {
        let kv = try Kv.open(path: dir.path)
        try await kv.set(["keep"], "me")
        kv.close()
    }

    func stillHolds(_ dir: TempDir) async throws -> Bool {
        let kv = try Kv.open(path: dir.path)
        defer { kv.close() }
        return try await kv.get(["keep"]).value == "me"
    }

    @Test func aMissingBackupIsRefusedAndNothingIsCreated() async throws {
        let target = TempDir()
        defer { target.cleanup() }
        try await seeded(target)
        let missing = target.path + "-no-such-backup"
        #expect(await KVCommand.perform(.restore(directory: missing), path: target.path) == 1)
        #expect(!FileManager.default.fileExists(atPath: missing), "the mistyped folder is not created")
        #expect(try await stillHolds(target))
    }

    @Test func aGarbageBackupIsRefused() async throws {
        let target = TempDir(), garbage = TempDir(), foreign = TempDir()
        defer { target.cleanup(); garbage.cleanup(); foreign.cleanup() }
        try await seeded(target)
        #expect(FileManager.default.createFile(atPath: garbage.path + "/data.mdb", contents: Data(repeating: 7, count: 64 << 10)))
        #expect(throws: KvError.self) { try LMDBStore.restore(from: garbage.path, to: target.path) }
        // An empty data.mdb is refused too.
        #expect(FileManager.default.createFile(atPath: foreign.path + "/data.mdb", contents: nil))
        #expect(throws: KvError.self) { try LMDBStore.restore(from: foreign.path, to: target.path) }
        #expect(try await stillHolds(target))
        #expect(!FileManager.default.fileExists(atPath: garbage.path + "/lock.mdb"), "a backup is checked read-only")
    }

    @Test func aStoreOpenInAnotherProcessIsRefused() async throws {
        let target = TempDir(), backupSource = TempDir()
        defer { target.cleanup(); backupSource.cleanup() }
        let source = try LMDBStore(path: backupSource.path, options: .init(mapSize: 64 << 20))
        try await Kv(store: source).set(["from"], "backup")
        let backup = backupSource.path + "/snapshot"
        try source.backup(to: backup)
        source.close()

        let child = try Child(try builtProduct("kv-conformance"), ["crash-child", target.path])
        try await CrashTests.waitForCommits(child)
        #expect(LMDBBackupCheck.openingProcess(of: target.path) == child.process.processIdentifier)
        #expect(await KVCommand.perform(.restore(directory: backup), path: target.path) == 1, "a live server's store is never replaced")
        child.kill9()

        // With nothing holding it open, the restore goes through and keeps the old file.
        #expect(LMDBBackupCheck.openingProcess(of: target.path) == nil)
        let kept = try LMDBStore.restore(from: backup, to: target.path)
        #expect(kept == target.path + "/data.mdb.before-restore")
        let kv = try Kv.open(path: target.path)
        defer { kv.close() }
        #expect(try await kv.get(["from"]).value == "backup")
        #expect(try kv.count(.prefix(["crash"])) == 0)
    }
}
