import EdgeRuntime
import EdgeTesting
import FoundationEssentials
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `StagedFile`: what is committed is exactly what was appended (across writeback boundaries, in pieces of
/// any size) with the SHA-256 of those bytes; nothing under the final name before the
/// commit; discard leaves nothing behind.
@Suite struct StagedFileTests {
    /// Bytes that differ from position to position, so a lost, repeated or reordered batch shows.
    static func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
        var x = seed | 1
        return (0..<count).map { _ in
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            return UInt8(truncatingIfNeeded: x)
        }
    }

    static func names(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    @Test(arguments: [0, 1, 4095, 1 << 20, EdgeLimits.stagedFileWritebackBytes * 2 + 12345])
    func committedBytesAndDigestAreWhatWasAppended(size: Int) async throws {
        let dir = try TemporaryDirectory(prefix: "edge-staged")
        let data = Self.pattern(size, seed: UInt64(size) + 7)
        let file = try StagedFile(directory: dir.path, temporaryName: "t")
        var offset = 0
        var step = 1
        while offset < data.count {  // pieces of 1, 2, 4, ... bytes up to 256 KiB, then repeating
            let end = min(data.count, offset + step)
            try file.append(data[offset..<end])
            offset = end
            step = step >= 256 * 1024 ? 1 : step * 2
        }
        #expect(file.size == size)
        #expect(try Self.names(dir.path) == [".t.part"])
        let committed = try await file.commit(as: "final.bin")
        var reference = SHA256Stream()
        reference.update(data[...])
        #expect(committed.sha256 == reference.hexDigest())
        #expect(committed.size == size)
        #expect(committed.path == dir.path + "/final.bin")
        #expect(try Self.names(dir.path) == ["final.bin"])
        let stored = try Data(contentsOf: URL(filePath: committed.path))
        #expect(stored.count == size)
        #expect(Array(stored) == data)
    }

    /// More files staged at once than there are hashing threads: the first ones hash on their own
    /// threads, the rest inline; every digest is right, and discarded files give their threads back.
    @Test func moreFilesThanHashingThreadsAllGetTheirDigest() async throws {
        let dir = try TemporaryDirectory(prefix: "edge-staged")
        for round in 0..<2 {
            let count = EdgeLimits.stagedFileHasherThreads + 3
            let files = try (0..<count).map { try StagedFile(directory: dir.path, temporaryName: "f\(round)-\($0)") }
            var expected: [String] = []
            for (i, file) in files.enumerated() {
                let data = Self.pattern(EdgeLimits.stagedFileHashReadBytes + 1000 * i + 1, seed: UInt64(100 * round + i))
                try file.append(data[..<(data.count / 2)])
                try file.append(data[(data.count / 2)...])
                var reference = SHA256Stream()
                reference.update(data[...])
                expected.append(reference.hexDigest())
            }
            // Round 0 commits every file; round 1 discards the first half first (their threads end).
            if round == 1 { for file in files.prefix(count / 2) { file.discard() } }
            for (i, file) in files.enumerated() where round == 0 || i >= count / 2 {
                #expect(try await file.commit(as: "r\(round)-\(i)").sha256 == expected[i])
            }
        }
    }

    @Test func discardLeavesNothingAndFurtherAppendsFail() async throws {
        let dir = try TemporaryDirectory(prefix: "edge-staged")
        let file = try StagedFile(directory: dir.path, temporaryName: "gone")
        try file.append(Self.pattern(3 << 20 + 5, seed: 3)[...])
        file.discard()
        file.discard()
        #expect(try Self.names(dir.path) == [])
        #expect(throws: StagedFile.Failure.self) { try file.append([1, 2, 3][...]) }
    }

    @Test func aMissingDirectoryIsAFailureNamingTheCall() async throws {
        #expect(throws: StagedFile.Failure(operation: "create", code: ENOENT)) {
            _ = try StagedFile(directory: "/nonexistent-edge-dir/x", temporaryName: "t")
        }
    }

    @Test func aTemporaryNameInUseIsRefused() async throws {
        let dir = try TemporaryDirectory(prefix: "edge-staged")
        let first = try StagedFile(directory: dir.path, temporaryName: "same")
        #expect(throws: StagedFile.Failure(operation: "create", code: EEXIST)) {
            _ = try StagedFile(directory: dir.path, temporaryName: "same")
        }
        first.discard()
    }
}
