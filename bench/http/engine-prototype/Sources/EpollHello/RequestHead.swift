/// The parts of an HTTP/1.1 request head the prototype acts on, as offsets into the connection's input
/// buffer (nothing is copied until a handler asks for strings).
struct RequestHead {
    var method: Range<Int>
    var target: Range<Int>
    /// Every header line's name and value (value without surrounding whitespace).
    var fields: [(name: Range<Int>, value: Range<Int>)]
    var contentLength: Int
    var keepAlive: Bool
    /// Bytes from the head's first byte through its blank line.
    var headLength: Int
}

/// Why a head was refused; the connection answers with the status and closes.
enum HeadError: Error {
    case badRequest   // 400
    case tooLarge     // 431
    case unsupported  // 501 (transfer codings: out of the prototype's scope)
}
