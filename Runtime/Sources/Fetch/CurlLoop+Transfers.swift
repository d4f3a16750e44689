import CCurl

extension CurlLoop {
    /// Creates the easy handle, starts the body producer and adds the transfer to the multi handle.
    func add(_ transfer: Transfer) {
        if transfer.stream.isAbandoned { transfer.upload?.close(); return }
        do {
            try transfer.makeEasyHandle()
        } catch {
            cleanUp(transfer)
            transfer.stream.finish(.failure(error))
            transfer.upload?.close()
            return
        }
        let now = MonotonicClock.now()
        transfer.startedAt = now
        transfer.lastActivity = now
        if case .stream(_, let produce) = transfer.request.body.storage, let upload = transfer.upload {
            transfer.producer = Task {
                do {
                    try await produce(upload)
                    upload.finish(failed: false)
                } catch {
                    upload.finish(failed: true)
                }
            }
        } else {
            transfer.firstByteClockStart = now
        }
        let easy = transfer.easy!
        active[easy] = transfer
        curl_multi_add_handle(multi, easy)
        noteDeadline(transfer.nextDeadline()?.at)
    }

    /// Ends a transfer: removes and frees its easy handle (closing an unfinished HTTP/1.1
    /// connection, resetting an HTTP/2 stream) and publishes `result` to the consumer.
    func finish(_ transfer: Transfer, _ result: Result<Void, FetchError>) {
        transfer.stream.finish(result)  // first: from here on the write callback discards
        if let easy = transfer.easy {
            active.removeValue(forKey: easy)
            curl_multi_remove_handle(multi, easy)
            // A handle whose transfer completed is reset and kept for the next transfer (its
            // allocations, the receive buffer among them, are reused); any other is freed.
            if case .success = result, spareEasyHandles.count < FetchLimits.spareEasyHandles {
                curl_easy_reset(easy)
                spareEasyHandles.append(easy)
                transfer.easy = nil
            }
        }
        cleanUp(transfer)
        transfer.producer?.cancel()
        transfer.producer = nil
        transfer.upload?.close()
    }

    private func cleanUp(_ transfer: Transfer) {
        if let easy = transfer.easy { curl_easy_cleanup(easy) }
        transfer.easy = nil
        if let list = transfer.headerList { curl_slist_free_all(list) }
        transfer.headerList = nil
    }

    /// Drains `curl_multi_info_read`: completes transfers or follows their redirect.
    func completeFinishedTransfers() {
        var easy: UnsafeMutableRawPointer?
        var code = CURLE_OK
        while CCurl_multi_next_done(multi, &easy, &code) != 0 {
            guard let easy, let transfer = active[easy] else { continue }
            if let pending = transfer.pendingError {
                finish(transfer, .failure(pending))
            } else if code != CURLE_OK {
                let error = FetchError(curlCode: code, errorBuffer: transfer.errorText,
                                       osErrno: transfer.info(long: CURLINFO_OS_ERRNO),
                                       url: transfer.info(string: CURLINFO_EFFECTIVE_URL) ?? transfer.request.url)
                finish(transfer, .failure(error))
            } else if transfer.followingRedirect {
                followRedirect(transfer)
            } else {
                finish(transfer, .success(()))
            }
        }
    }

    /// Re-targets a finished redirect response's easy handle at its `Location` (WHATWG fetch rules).
    private func followRedirect(_ transfer: Transfer) {
        guard let easy = transfer.easy else { return }
        let status = transfer.parsedStatus
        guard let target = transfer.info(string: CURLINFO_REDIRECT_URL) else {
            finish(transfer, .failure(FetchError(.redirectRefused, message: "redirect \(status) has no usable Location", url: transfer.info(string: CURLINFO_EFFECTIVE_URL))))
            return
        }
        let from = transfer.info(string: CURLINFO_EFFECTIVE_URL) ?? transfer.request.url
        if (status == 303 && transfer.method != "HEAD") || ((status == 301 || status == 302) && transfer.method == "POST") {
            transfer.method = "GET"
            transfer.sendsBody = false
            for name in ["content-type", "content-length", "content-encoding", "content-language", "content-location", "transfer-encoding"] {
                transfer.headers.remove(name)
            }
        } else if transfer.upload != nil {
            finish(transfer, .failure(FetchError(.redirectRefused, message: "redirect \(status) would replay a streamed request body", url: from)))
            return
        }
        if Self.origin(of: from) != Self.origin(of: target) {
            transfer.headers.remove("authorization")
            transfer.headers.remove("cookie")
        }
        curl_multi_remove_handle(multi, easy)
        do {
            try transfer.set(CURLOPT_URL, string: target)
            try transfer.applyMethodAndHeaders()
        } catch {
            active.removeValue(forKey: easy)
            cleanUp(transfer)
            transfer.stream.finish(.failure(error))
            return
        }
        let now = MonotonicClock.now()
        transfer.redirectCount += 1
        transfer.followingRedirect = false
        transfer.parsedStatus = 0
        transfer.anyResponseByte = false
        transfer.firstByteClockStart = now
        transfer.lastActivity = now
        curl_multi_add_handle(multi, easy)
        noteDeadline(transfer.nextDeadline()?.at)
    }

    /// `scheme://host:port` (lower-cased), enough to detect a cross-origin redirect.
    static func origin(of url: String) -> String {
        let lower = Array(url.lowercasedASCII.utf8)
        var slashes = 0
        var end = lower.count
        for (i, byte) in lower.enumerated() where byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") {
            if byte == UInt8(ascii: "/") && slashes < 2 { slashes += 1; continue }
            end = i
            break
        }
        return String(decoding: lower[..<end], as: UTF8.self)
    }

    /// Unpauses one direction (the other keeps its paused state).
    func resume(_ transfer: Transfer, receive: Bool) {
        guard let easy = transfer.easy, active[easy] === transfer else { return }
        if receive {
            guard transfer.receivePaused else { transfer.stream.willResume(); return }
            transfer.receivePaused = false
            transfer.stream.willResume()
            let now = MonotonicClock.now()
            transfer.lastActivity = now
            noteDeadline(transfer.timeouts.idle.map { now &+ $0.nanoseconds })
        } else {
            guard transfer.sendPaused else { return }
            transfer.sendPaused = false
        }
        var mask: Int32 = 0
        if transfer.receivePaused { mask |= CCurl_PAUSE_RECV }
        if transfer.sendPaused { mask |= CCurl_PAUSE_SEND }
        // May call the write/read callbacks synchronously, which may pause again.
        curl_easy_pause(easy, mask)
    }

    /// Fails transfers whose deadline passed and recomputes the next scan time.
    func fireDueDeadlines() {
        let now = MonotonicClock.now()
        guard now >= nextDeadlineScan else { return }
        var next = UInt64.max
        var expired: [(Transfer, FetchError.TimeoutPhase)] = []
        for transfer in active.values {
            guard let deadline = transfer.nextDeadline() else { continue }
            if deadline.at <= now { expired.append((transfer, deadline.phase)) } else { next = min(next, deadline.at) }
        }
        nextDeadlineScan = next
        for (transfer, phase) in expired {
            let limit: Duration? = switch phase {
            case .connect: transfer.timeouts.connect
            case .firstByte: transfer.timeouts.firstByte
            case .idle: transfer.timeouts.idle
            case .total: transfer.timeouts.total
            }
            let error = FetchError(.timeout(phase), message: "\(phase.rawValue) timeout of \(limit.map { "\($0)" } ?? "?") exceeded",
                                   url: transfer.info(string: CURLINFO_EFFECTIVE_URL) ?? transfer.request.url)
            finish(transfer, .failure(error))
        }
    }
}
