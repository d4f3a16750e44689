import Foundation
import Testing
import KV
@testable import KVTool
@testable import KVLMDB

@Suite struct RobustnessTests {
    /// A map that cannot grow fills up with a clear error, never a crash; reads keep working.
    @Test func fullMapGivesClearError() async throws {
        try await withKv(options: .init(mapSize: 256 << 10, maxMapSize: 256 << 10)) { kv, _, _ in
            var failure: KvError?
            var written = 0
            for i in 0..<400 {
                do {
                    try await kv.set(["big", .number(Double(i))], .bytes([UInt8](repeating: 7, count: 60_000)))
                    written += 1
                } catch {
                    failure = error as? KvError
                    break
                }
            }
            #expect(failure?.code == .mapFull)
            #expect(failure?.message.contains("MDB_MAP_FULL") == true)
            #expect(written > 0)
            let counted = try kv.count(.prefix(["big"]))
            #expect(counted == written, "the failed commit wrote nothing")
            let first = try await kv.get(["big", 0])
            #expect(first.versionstamp != nil)
        }
    }

    /// With room to grow, the map doubles on MDB_MAP_FULL and the commit succeeds.
    @Test func mapGrows() async throws {
        try await withKv(options: .init(mapSize: 256 << 10, maxMapSize: 64 << 20)) { kv, store, _ in
            for i in 0..<60 { try await kv.set(["big", .number(Double(i))], .bytes([UInt8](repeating: 7, count: 60_000))) }
            #expect(try kv.count(.prefix(["big"])) == 60)
            #expect(store.env.currentMapSize > 256 << 10)
        }
    }

    /// Garbage in: clear errors, nothing half-written.
    @Test func garbageInput() async throws {
        try await withKv { kv, _, _ in
            let good = #"{"key":[{"type":"string","value":"a"}],"value":{"type":"number","value":1},"versionstamp":"00000000000000010000"}"#
            let lines = [good, #"{"key": not json"#, good]
            #expect(throws: KvError.self) { try Kv.parseJSONLines(lines.map { Substring($0) }) }
            do { _ = try Kv.parseJSONLines(lines.map { Substring($0) }) } catch { #expect((error as? KvError)?.message.hasPrefix("line 2:") == true) }
            let badKey = #"{"key":[],"value":{"type":"null","value":null}}"#
            #expect(throws: KvError.self) { try Kv.parseJSONLines([Substring(good), Substring(badKey)]) }
            #expect(try kv.count(.prefix([])) == 0)
            await #expect(throws: KvError.self) { try await kv.set(["v"], .bytes([UInt8](repeating: 0, count: 70_000))) }
            await #expect(throws: KvError.self) { try await kv.set([], 1) }
            #expect(try kv.count(.prefix([])) == 0)
            // The CLI reports a malformed import file and writes nothing.
            let file = NSTemporaryDirectory() + "kv-import-\(UUID().uuidString).jsonl"
            try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let other = TempDir()
            defer { other.cleanup() }
            #expect(await KVCommand.perform(.importLines(file: file, continueOnError: false), path: other.path) == 1)
            let check = try Kv.open(path: other.path)
            #expect(try check.count(.prefix([])) == 0)
            check.close()
        }
    }

    /// A large import streams (a bad line near the end aborts with nothing written; `--continue` skips
    /// it and imports the rest), and an over-long line is a bad line, not a crash.
    @Test func importStreamsAndNamesTheBadLine() async throws {
        func entry(_ i: Int) -> String {
            #"{"key":[{"type":"string","value":"k"},{"type":"number","value":"# + String(i) + #"}],"value":{"type":"string","value":"v"# + String(i) + #""}}"#
        }
        var lines = (1...2500).map(entry)
        lines[1699] = #"{"key": not json"#
        lines[2099] = "[" + String(repeating: " ", count: 5 << 20) + "]"
        let file = NSTemporaryDirectory() + "kv-import-\(UUID().uuidString).jsonl"
        try (lines.joined(separator: "\r\n") + "\n\n").write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(await KVCommand.perform(.importLines(file: file, continueOnError: false), path: dir.path) == 1)
        var check = try Kv.open(path: dir.path)
        #expect(try check.count(.prefix([])) == 0)
        check.close()
        #expect(await KVCommand.perform(.importLines(file: file, continueOnError: true), path: dir.path) == 0)
        check = try Kv.open(path: dir.path)
        #expect(try check.count(.prefix([])) == 2498)
        #expect(try await check.get(["k", 2500]).value == "v2500")
        #expect(try await check.get(["k", 1700]).versionstamp == nil)
        check.close()
        // The line reader itself: numbers lines, skips past an over-long one.
        let fd = open(file, O_RDONLY)
        defer { close(fd) }
        var reader = LineReader(fd: fd)
        var numbers: [Int] = []
        var tooLong: [Int] = []
        while true {
            do {
                guard let line = try reader.next() else { break }
                if line.count > 2 { numbers.append(reader.lineNumber) }
            } catch { tooLong.append(error.line) }
        }
        #expect(tooLong == [2100])
        #expect(numbers.count == 2499 && numbers.last == 2500)
    }

    /// Export → import round-trips typed keys and values; backup → restore gives the same data.
    @Test func exportImportBackupRestore() async throws {
        try await withKv { kv, store, dir in
            try await kv.set(["s", .bigint(KvBigInt("123456789012345678901234567890")!), .bytes([0, 255]), true, -0.5],
                             ["n": 1, "list": [.bigint(5), .undefined, nil], "b": .bytes([1, 2])])
            try await kv.set(["u"], .u64(42))
            try await kv.set(["nan"], .number(.nan))
            var lines: [String] = []
            #expect(try kv.exportJSONLines { lines.append($0) } == 3)
            try await withKv { copy, _, _ in
                try await copy.importEntries(try Kv.parseJSONLines(lines.map { Substring($0) }))
                let a = try await kv.list(.prefix([])).collect().entries
                let b = try await copy.list(.prefix([])).collect().entries
                #expect(a.map(\.key) == b.map(\.key))
                #expect(a.map(\.value) == b.map(\.value))
            }
            let backup = dir.path + "-backup"
            defer { try? FileManager.default.removeItem(atPath: backup) }
            try store.backup(to: backup)
            try await kv.set(["after-backup"], 1)
            let restored = TempDir()
            defer { restored.cleanup() }
            try LMDBStore.restore(from: backup, to: restored.path)
            let r = try Kv.open(path: restored.path)
            defer { r.close() }
            #expect(try r.count(.prefix([])) == 3)
            #expect(try await r.get(["u"]).value == .u64(42))
            #expect(try await r.get(["after-backup"]).versionstamp == nil)
        }
    }

    /// The CLI against a real data directory.
    @Test func cli() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let nested = dir.path + "/.data/kv"
        #expect(await KVCommand.perform(.set(key: #"["x"]"#, value: "1", expireIn: nil), path: nested) == 0, "parent directories are created")
        #expect(await KVCommand.perform(.set(key: #"["prompts","by_id",1]"#, value: #"{"text":"hi"}"#, expireIn: nil), path: dir.path) == 0)
        #expect(await KVCommand.perform(.get(key: #"["prompts","by_id",1]"#), path: dir.path) == 0)
        #expect(await KVCommand.perform(.get(key: #"["prompts","by_id",2]"#), path: dir.path) == 1)
        #expect(await KVCommand.perform(.count(prefix: #"["prompts"]"#), path: dir.path) == 0)
        let missing = dir.path + "/never-created"
        #expect(await KVCommand.perform(.count(prefix: nil), path: missing) == 1, "a read-only operation on no store fails")
        #expect(!KVCommand.storeExists(at: missing) && access(missing, F_OK) != 0, "and creates nothing")
        #expect(await KVCommand.perform(.delete(key: #"["prompts","by_id",1]"#), path: dir.path) == 0)
        let kv = try Kv.open(path: dir.path)
        #expect(try kv.count(.prefix([])) == 0)
        kv.close()
    }
}
