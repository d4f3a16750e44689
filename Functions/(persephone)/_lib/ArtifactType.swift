/// The artifact kinds `POST /upload` accepts (CONTRACTS §4.3), each checked twice: by the file name's
/// extension (case-insensitive) and by the first bytes of the content.
///
/// | Extension | Content |
/// |---|---|
/// | `.zip` | zip local header `PK\3\4` (or the empty-archive end record `PK\5\6`) |
/// | `.tar` | POSIX/GNU tar: `ustar` at offset 257 |
/// | `.tar.gz`, `.tgz` | gzip `1F 8B 08` |
/// | `.onnx` | an ONNX `ModelProto`: protobuf field 1 (`ir_version`, varint) first, tag `08`, a value 1...127 |
/// | `.pt`, `.pth` | PyTorch: a zip (the current format) or a pickle (the legacy format) |
/// | `.pkl` | a pickle of protocol 2...5: `80 02`...`80 05` |
enum ArtifactType: String, Sendable, Codable, CaseIterable {
    case zip, tar, tarGz = "tar.gz", onnx, pytorch = "pt", pickle = "pkl"

    /// Extensions in matching order (the longest first), with their kind.
    static let extensions: [(String, ArtifactType)] = [
        (".tar.gz", .tarGz), (".tgz", .tarGz), (".zip", .zip), (".tar", .tar), (".onnx", .onnx),
        (".pth", .pytorch), (".pt", .pytorch), (".pkl", .pickle),
    ]

    static let allowedList = ".zip, .tar, .tar.gz, .tgz, .onnx, .pt, .pth, .pkl"

    /// The kind named by `fileName`'s extension, and that extension as written in lower case.
    static func from(fileName: String) -> (ArtifactType, String)? {
        let lower = fileName.lowercased()
        for (ext, kind) in extensions where lower.hasSuffix(ext) && lower.count > ext.count { return (kind, ext) }
        return nil
    }

    /// True when `head` (the file's first bytes, up to ``PersephoneLimits/sniffBytes``) looks like this kind.
    func matches(_ head: [UInt8]) -> Bool {
        switch self {
        case .zip: return Self.isZip(head)
        case .tar: return Self.isTar(head)
        case .tarGz: return head.starts(with: [0x1F, 0x8B, 0x08])
        case .onnx: return head.count >= 2 && head[0] == 0x08 && (1...0x7F).contains(head[1])
        case .pytorch: return Self.isZip(head) || Self.isPickle(head)
        case .pickle: return Self.isPickle(head)
        }
    }

    static func isZip(_ h: [UInt8]) -> Bool { h.starts(with: [0x50, 0x4B, 0x03, 0x04]) || h.starts(with: [0x50, 0x4B, 0x05, 0x06]) }
    static func isTar(_ h: [UInt8]) -> Bool { h.count >= 262 && Array(h[257..<262]) == Array("ustar".utf8) }
    static func isPickle(_ h: [UInt8]) -> Bool { h.count >= 2 && h[0] == 0x80 && (2...5).contains(h[1]) }

    /// A human name for messages.
    var label: String {
        switch self {
        case .zip: return "zip archive"
        case .tar: return "tar archive"
        case .tarGz: return "gzip-compressed tar archive"
        case .onnx: return "ONNX model"
        case .pytorch: return "PyTorch checkpoint"
        case .pickle: return "pickle file"
        }
    }
}
