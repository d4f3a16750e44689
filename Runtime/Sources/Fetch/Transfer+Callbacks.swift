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

        var bytes = raw[...]
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        let line = Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes), as: UTF8.self))

        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            parsedVersion = parts.first.map(String.init) ?? ""
            parsedStatus = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            parsedHeaders = FetchHeaders()
            followingRedirect = false
            return raw.count
        }
        if !line.isEmpty {
            if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingSpaces
                let value = line[line.index(after: colon)...].trimmingSpaces
                parsedHeaders.append(name: String(name), value: String(value))
            }
            return raw.count
        }
        return didReceiveEndOfHead() ? raw.count : 0
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

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
