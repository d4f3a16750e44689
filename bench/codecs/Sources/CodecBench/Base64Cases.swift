import ExtrasBase64
import FoundationEssentials
import KV

/// Image bodies (standard alphabet, up to 10 MiB) and KV cursors (base64url, tens of bytes):
/// ours against FoundationEssentials' `Data` base64 and swift-extras-base64.
enum Base64Cases {
    static func run(_ b: inout Bench) {
        var g = Seeded(state: 1)
        let image = g.bytes(10 * 1_048_576)
        b.run("base64/10MiB ours (VLMVision.base64)", iterations: 1, unit: "body", bytes: image.count) { _ in
            UInt64(HandWritten.vlmBase64(image).utf8.count)
        }
        b.run("base64/10MiB Foundation base64EncodedString", iterations: 1, unit: "body", bytes: image.count) { _ in
            UInt64(Data(image).base64EncodedString().utf8.count)
        }
        b.run("base64/10MiB Extras encodeToString", iterations: 1, unit: "body", bytes: image.count) { _ in
            UInt64(Base64.encodeToString(bytes: image).utf8.count)
        }

        // A cursor: the boundary key minus the common prefix, typically a short tuple-encoded key.
        let key = g.bytes(24)
        let cursor = Base64URL.encode(key)
        b.run("base64url/cursor encode ours", iterations: 1_000_000) { i in
            UInt64(Base64URL.encode(key, padding: true).utf8.count)
        }
        b.run("base64url/cursor encode Foundation+map", iterations: 1_000_000) { _ in
            UInt64(FoundationURL.encode(key, padding: true).utf8.count)
        }
        b.run("base64url/cursor encode Extras", iterations: 1_000_000) { _ in
            UInt64(Base64.encodeToString(bytes: key, options: [.base64UrlAlphabet]).utf8.count)
        }
        b.run("base64url/cursor decode ours (canonical)", iterations: 1_000_000) { _ in
            UInt64(Base64URL.decode(cursor, canonical: true)!.count)
        }
        b.run("base64url/cursor decode Foundation+map", iterations: 1_000_000) { _ in
            UInt64(FoundationURL.decode(cursor)!.count)
        }
        b.run("base64url/cursor decode Extras", iterations: 1_000_000) { _ in
            UInt64(try! Base64.decode(string: cursor, options: [.base64UrlAlphabet]).count)
        }
    }

    /// Differential checks: encodings of random byte strings, and acceptance of random texts by the
    /// canonical (cursor) decoder, which must reject non-zero unused bits like Rust's `BASE64_URL_SAFE`.
    static func check() {
        var g = Seeded(state: 3)
        var encodeDiffer = (foundation: 0, extras: 0)
        for n in 0..<200_000 {
            let bytes = g.bytes(n % 67)
            let ours = Base64URL.encode(bytes)
            if FoundationURL.encode(bytes, padding: true) != ours { encodeDiffer.foundation += 1 }
            if Base64.encodeToString(bytes: bytes, options: [.base64UrlAlphabet]) != ours { encodeDiffer.extras += 1 }
        }
        print("check base64url encode: Foundation differs on \(encodeDiffer.foundation), Extras on \(encodeDiffer.extras) of 200000")
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/".utf8)
        var decodeDiffer = (foundation: 0, extras: 0)
        var example = (foundation: "", extras: "")
        for _ in 0..<200_000 {
            let n = Int(g.next() % 13)
            let text = String(decoding: (0..<n).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }, as: UTF8.self)
            // Bias towards well-formed texts: half the time, a real encoding with its last symbol changed.
            let sample = g.next() % 2 == 0 ? text : mutateLast(Base64URL.encode(g.bytes(n)), &g)
            let ours = Base64URL.decode(sample, canonical: true)
            if FoundationURL.decode(sample) != ours {
                decodeDiffer.foundation += 1; if example.foundation.isEmpty { example.foundation = sample }
            }
            if (try? Base64.decode(string: sample, options: [.base64UrlAlphabet])) != ours {
                decodeDiffer.extras += 1; if example.extras.isEmpty { example.extras = sample }
            }
        }
        print("check base64url canonical decode: Foundation differs on \(decodeDiffer.foundation) (e.g. \"\(example.foundation)\"), "
            + "Extras on \(decodeDiffer.extras) (e.g. \"\(example.extras)\") of 200000")
    }

    static func mutateLast(_ s: String, _ g: inout Seeded) -> String {
        var u = Array(s.utf8)
        guard let i = u.lastIndex(where: { $0 != 61 }) else { return s }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        u[i] = alphabet[Int(g.next() % 64)]
        return String(decoding: u, as: UTF8.self)
    }
}

/// base64url through FoundationEssentials: its standard alphabet mapped both ways.
enum FoundationURL {
    static func encode(_ bytes: [UInt8], padding: Bool) -> String {
        var text = Array(Data(bytes).base64EncodedData())
        for i in text.indices {
            if text[i] == UInt8(ascii: "+") { text[i] = UInt8(ascii: "-") } else if text[i] == UInt8(ascii: "/") { text[i] = UInt8(ascii: "_") }
        }
        if !padding { while text.last == 61 { text.removeLast() } }
        return String(decoding: text, as: UTF8.self)
    }

    /// Padding required (the cursor form).
    static func decode(_ text: String) -> [UInt8]? {
        var u = Array(text.utf8)
        for i in u.indices {
            switch u[i] {
            case UInt8(ascii: "+"), UInt8(ascii: "/"): return nil
            case UInt8(ascii: "-"): u[i] = UInt8(ascii: "+")
            case UInt8(ascii: "_"): u[i] = UInt8(ascii: "/")
            default: break
            }
        }
        return Data(base64Encoded: Data(u)).map { Array($0) }
    }
}
