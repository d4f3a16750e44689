import CCurl

// The C callbacks. `userdata` is the unretained Transfer; CurlLoop keeps it alive while the easy
// handle exists. They run on the curl thread only.

let transferWriteCallback: CCurl_data_callback = { ptr, size, count, userdata in
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.didReceiveBody(UnsafeRawBufferPointer(start: ptr, count: size * count))
}

let transferHeaderCallback: CCurl_data_callback = { ptr, size, count, userdata in
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.didReceiveHeaderLine(UnsafeRawBufferPointer(start: ptr, count: size * count))
}

let transferReadCallback: CCurl_data_callback = { ptr, size, count, userdata in
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.fillRequestBody(UnsafeMutableRawBufferPointer(start: ptr, count: size * count))
}

extension Transfer {
    /// Write callback: body bytes of the current response.
    func didReceiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = MonotonicClock.now()
        anyResponseByte = true
        if followingRedirect { return bytes.count }  // a redirect's body is discarded
        switch stream.receive(bytes) {
        case .accepted:
            return bytes.count
        case .acceptedConsumerWaiting:
            loop.deliverAfterThisTurn(self)
            return bytes.count
        case .pause:
            receivePaused = true
            return CCurl_WRITEFUNC_PAUSE
        case .abort:
            // Discard, never fail: an error from this callback makes libcurl 7.88 tear down a whole
            // HTTP/2 connection (every stream on it). The `.abort` command queued by the consumer
            // removes the handle on this loop turn, which resets just this stream.
            return bytes.count
        }
    }

    /// Header callback: one complete header line (status line, field, or the blank terminator).
    func didReceiveHeaderLine(_ raw: UnsafeRawBufferPointer) -> Int {
        let now = MonotonicClock.now()
        if !anyResponseByte {
            anyResponseByte = true
            loop.noteDeadline(timeouts.idle.map { now &+ $0.nanoseconds })
        }
        lastActivity = now
        if headDelivered { return raw.count }  // trailers: ignored

        // Parsed as bytes: a head line is ASCII in practice, and Character-wise parsing (grapheme breaking
        // per character) cost more than the rest of a small transfer.
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\n") || raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: raw[0..<end])

        if Self.startsWithHTTPSlash(line) {
            // `HTTP/1.1 200 OK`: the version, then the status code.
            let firstSpace = line.firstIndex(of: UInt8(ascii: " ")) ?? line.count
            parsedVersion = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<firstSpace]), as: UTF8.self)
            var status = 0, i = firstSpace, digits = 0
            while i < line.count, line[i] == UInt8(ascii: " ") { i += 1 }
            while i < line.count, digits < 3, case let d = line[i], d >= 0x30, d <= 0x39 {
                status = status * 10 + Int(d - 0x30)
                i += 1
                digits += 1
            }
            parsedStatus = digits == 3 && (i == line.count || line[i] == UInt8(ascii: " ")) ? status : 0
            parsedHeaders = FetchHeaders()
            followingRedirect = false
            return raw.count
        }
        if !line.isEmpty {
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = Self.trimmed(line, 0, colon)
                let value = Self.trimmed(line, colon + 1, line.count)
                parsedHeaders.append(name: String(decoding: UnsafeRawBufferPointer(rebasing: line[name]), as: UTF8.self),
                                     value: String(decoding: UnsafeRawBufferPointer(rebasing: line[value]), as: UTF8.self))
            }
            return raw.count
        }
        return didReceiveEndOfHead() ? raw.count : 0
    }

    private static func startsWithHTTPSlash(_ line: UnsafeRawBufferPointer) -> Bool {
        line.count >= 5 && line[0] == UInt8(ascii: "H") && line[1] == UInt8(ascii: "T") && line[2] == UInt8(ascii: "T")
            && line[3] == UInt8(ascii: "P") && line[4] == UInt8(ascii: "/")
    }

    /// `from..<to` of `line` without leading and trailing spaces and tabs.
    private static func trimmed(_ line: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Range<Int> {
        var lower = from, upper = to
        while lower < upper, line[lower] == 0x20 || line[lower] == 0x09 { lower += 1 }
        while upper > lower, line[upper - 1] == 0x20 || line[upper - 1] == 0x09 { upper -= 1 }
        return lower..<upper
    }

    /// The blank line after a head. Returns `false` to abort the transfer with `pendingError`.
    private func didReceiveEndOfHead() -> Bool {
        if parsedStatus >= 100 && parsedStatus < 200 { return true }  // 100 Continue & co: the real head follows
        if [301, 302, 303, 307, 308].contains(parsedStatus), parsedHeaders["location"] != nil {
            switch request.redirect {
            case .manual:
                break
            case .error:
                pendingError = FetchError(.redirectRefused, message: "upstream redirected (\(parsedStatus)) and the redirect policy is .error", url: info(string: CURLINFO_EFFECTIVE_URL))
                return false
            case .follow(let max):
                if redirectCount >= max {
                    pendingError = FetchError(.tooManyRedirects, message: "more than \(max) redirects", url: info(string: CURLINFO_EFFECTIVE_URL))
                    return false
                }
                followingRedirect = true
                return true
            }
        }
        headDelivered = true
        let response = FetchResponse(
            status: parsedStatus,
            headers: parsedHeaders,
            url: info(string: CURLINFO_EFFECTIVE_URL) ?? request.url,
            httpVersion: parsedVersion,
            redirectCount: redirectCount,
            body: FetchBody(stream: stream)
        )
        stream.deliverHead(response)
        return true
    }

    /// Read callback: the next bytes of a streamed request body.
    func fillRequestBody(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let upload else { return 0 }
        let n = upload.read(into: buffer)
        if n == CCurl_READFUNC_PAUSE {
            sendPaused = true
        } else if n == 0, firstByteClockStart == nil {
            let now = MonotonicClock.now()
            firstByteClockStart = now
            loop.noteDeadline(timeouts.firstByte.map { now &+ $0.nanoseconds })
        }
        return n
    }
}
