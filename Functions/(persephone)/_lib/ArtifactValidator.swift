#if canImport(Glibc)
import Glibc
#endif
import EdgeRuntime

/// The "Validate artifact" step (CONTRACTS §4.3, done for real): the stored file still has the size and
/// SHA-256 recorded at upload, and an archive opens.
///
/// - zip (and PyTorch zip checkpoints): the end-of-central-directory record is found and every central
///   directory entry it announces is walked (signature, name and extra lengths within the directory).
/// - tar: every 512-byte header up to the end-of-archive blocks has a valid checksum and an octal size
///   that stays inside the file.
/// - gzip, ONNX, pickle: the leading magic number (decompression and protobuf parsing are not done).
///
/// Returns nil when valid, else the message shown on the failed step. Blocking file I/O: run it with
/// ``CPUWork/run(_:)``.
enum ArtifactValidator {
    static func validate(_ run: RunRecord) -> String? {
        let fd = open(run.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "artifact file is missing (errno \(errno))" }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, Int(st.st_size) == run.sizeBytes else {
            return "artifact size changed since upload (expected \(run.sizeBytes) bytes)"
        }
        var hash = SHA256Stream()
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return "artifact could not be read (errno \(errno))" }
            if n == 0 { break }
            hash.update(buf[0..<n])
        }
        guard hash.hexDigest() == run.sha256 else { return "checksum mismatch: the artifact changed since upload" }
        let file = FileReader(fd: fd, size: run.sizeBytes)
        switch run.artifactType {
        case .zip: return zip(file).map { "not a valid zip archive: \($0)" }
        case .pytorch:
            guard ArtifactType.isZip(file.read(0, 4)) else { return nil }
            return zip(file).map { "not a valid PyTorch zip checkpoint: \($0)" }
        case .tar: return tar(file).map { "not a valid tar archive: \($0)" }
        case .tarGz, .onnx, .pickle:
            return run.artifactType.matches(file.read(0, PersephoneLimits.sniffBytes)) ? nil : "not a \(run.artifactType.label)"
        }
    }

    /// nil when the zip's central directory is intact, else why not.
    static func zip(_ f: FileReader) -> String? {
        // End of central directory: 22 bytes + a comment of up to 65535, at the end.
        let tailLen = min(f.size, 22 + 65_535)
        let tail = f.read(f.size - tailLen, tailLen)
        guard tail.count >= 22 else { return "too short" }
        var at: Int? = nil
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50 && tail[i + 1] == 0x4B && tail[i + 2] == 0x05 && tail[i + 3] == 0x06 { at = i; break }
            i -= 1
        }
        guard let e = at else { return "no end of central directory record" }
        let entries = Int(le16(tail, e + 10)), dirSize = Int(le32(tail, e + 12)), dirOffset = Int(le32(tail, e + 16))
        guard dirOffset >= 0, dirSize >= 0, dirOffset + dirSize <= f.size else { return "central directory outside the file" }
        if entries == 0xFFFF || dirOffset == 0xFFFF_FFFF { return nil }  // zip64: the record's fields are in the zip64 locator
        let dir = f.read(dirOffset, dirSize)
        guard dir.count == dirSize else { return "central directory could not be read" }
        var p = 0
        for n in 0..<entries {
            guard p + 46 <= dir.count, le32(dir, p) == 0x0201_4B50 else { return "central directory entry \(n + 1) is corrupt" }
            p += 46 + Int(le16(dir, p + 28)) + Int(le16(dir, p + 30)) + Int(le16(dir, p + 32))
            guard p <= dir.count else { return "central directory entry \(n + 1) overruns the directory" }
        }
        return nil
    }

    /// nil when every tar header checks out, else why not.
    static func tar(_ f: FileReader) -> String? {
        var offset = 0, members = 0
        while offset + 512 <= f.size {
            let h = f.read(offset, 512)
            guard h.count == 512 else { return "header at \(offset) could not be read" }
            if h.allSatisfy({ $0 == 0 }) { return members > 0 ? nil : "no members" }
            var sum = 0
            for (j, b) in h.enumerated() { sum += (148..<156).contains(j) ? 32 : Int(b) }
            guard let recorded = octal(h[148..<156]), recorded == sum else { return "bad header checksum at offset \(offset)" }
            guard let size = octal(h[124..<136]), size >= 0, size <= f.size else { return "bad member size at offset \(offset)" }
            members += 1
            let blocks = (size + 511) / 512
            offset += 512 + blocks * 512
        }
        return offset == f.size && members > 0 ? nil : "truncated archive"
    }

    static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        var v = 0, seen = false
        for b in field {
            if b == 0 || b == 32 { if seen { break } else { continue } }
            guard (48...55).contains(b), v < (1 << 50) else { return nil }
            v = v * 8 + Int(b - 48)
            seen = true
        }
        return seen ? v : nil
    }

    static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(le16(b, i)) | UInt32(le16(b, i + 2)) << 16 }
}

/// Positional reads of an open file (short reads past the end return fewer bytes).
struct FileReader {
    let fd: Int32
    let size: Int

    func read(_ offset: Int, _ count: Int) -> [UInt8] {
        guard offset >= 0, count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress.map { $0 + got }, count - got, off_t(offset + got)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        return Array(out[0..<got])
    }
}
