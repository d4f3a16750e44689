import CCurl

extension Transfer {
    /// Creates and configures the easy handle (curl thread). Throws on a rejected option, which
    /// is how curl reports an invalid URL.
    func makeEasyHandle() throws(FetchError) {
        let scheme = request.url.prefix(8).lowercasedASCII
        guard scheme.hasPrefix("http://") || scheme.hasPrefix("https://") else {
            throw FetchError(.invalidURL, message: "only absolute http:// and https:// URLs can be fetched", url: request.url)
        }
        // A spare handle (``CurlLoop/spareEasyHandles``) still holding its receive buffer refuses a new
        // CURLOPT_BUFFERSIZE (libcurl 7.88 after an HTTP/2 transfer): such a handle is freed, not reused.
        var spare = loop.spareEasyHandles.popLast()
        if let handle = spare, CCurl_easy_setopt_long(handle, CURLOPT_BUFFERSIZE, FetchLimits.curlBufferSize) != CURLE_OK {
            curl_easy_cleanup(handle)
            spare = nil
        }
        guard let easy = spare ?? curl_easy_init() else {
            throw FetchError(.other, message: "curl_easy_init failed", url: request.url)
        }
        self.easy = easy
        let me = Unmanaged.passUnretained(self).toOpaque()

        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_URL, string: request.url)
        try set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_FOLLOWLOCATION, 0)  // redirects are followed by CurlLoop, see RedirectPolicy
        if spare == nil { try set(CURLOPT_BUFFERSIZE, FetchLimits.curlBufferSize) }
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        if scheme.hasPrefix("https://") || configuration.httpVersion == .http2PriorKnowledge {
            // Prefer multiplexing on an HTTP/2 connection being set up. Not for cleartext HTTP/1.1:
            // there libcurl would hold every new transfer until the first one to the host finished.
            try set(CURLOPT_PIPEWAIT, 1)
        }
        if let connect = timeouts.connect { try set(CURLOPT_CONNECTTIMEOUT_MS, connect.curlMilliseconds) }
        switch configuration.httpVersion {
        case .automatic: try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        case .http1Only: try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        case .http2PriorKnowledge: try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE))
        }
        if let proxy = configuration.proxy { try set(CURLOPT_PROXY, string: proxy) }
        if let noProxy = configuration.noProxy { try set(CURLOPT_NOPROXY, string: noProxy) }
        if let ca = configuration.caBundlePath { try set(CURLOPT_CAINFO, string: ca) }
        if let ua = configuration.userAgent, headers["user-agent"] == nil { try set(CURLOPT_USERAGENT, string: ua) }

        try set(CURLOPT_WRITEFUNCTION, callback: transferWriteCallback)
        try set(CURLOPT_WRITEDATA, pointer: me)
        try set(CURLOPT_HEADERFUNCTION, callback: transferHeaderCallback)
        try set(CURLOPT_HEADERDATA, pointer: me)

        switch request.body.storage {
        case .none:
            break
        case .bytes(let bytes):
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offT: curl_off_t(bytes.count))
            if bytes.isEmpty {
                try set(CURLOPT_COPYPOSTFIELDS, string: "")
            } else {
                let code = bytes.withUnsafeBytes { raw in  // curl copies the bytes
                    CCurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
                }
                try check(code, CURLOPT_COPYPOSTFIELDS)
            }
        case .stream(let length, _):
            try set(CURLOPT_POST, 1)
            try set(CURLOPT_READFUNCTION, callback: transferReadCallback)
            try set(CURLOPT_READDATA, pointer: me)
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offT: curl_off_t(length ?? -1))
        }
        try applyMethodAndHeaders()
    }

    /// Sets the method options and the header list for the current `method`/`headers`/`sendsBody`
    /// (also used when a redirect rewrites them).
    func applyMethodAndHeaders() throws(FetchError) {
        switch (method, sendsBody) {
        case ("GET", false):
            try set(CURLOPT_HTTPGET, 1)
            try set(CURLOPT_CUSTOMREQUEST, string: nil)
        case ("HEAD", false):
            try set(CURLOPT_NOBODY, 1)
            try set(CURLOPT_CUSTOMREQUEST, string: nil)
        case ("POST", true):
            try set(CURLOPT_CUSTOMREQUEST, string: nil)
        case ("POST", false), ("PUT", false), ("PATCH", false):
            // An empty body with `Content-Length: 0`, which many servers require for these methods.
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offT: 0)
            try set(CURLOPT_COPYPOSTFIELDS, string: "")
            try set(CURLOPT_CUSTOMREQUEST, string: method == "POST" ? nil : method)
        default:
            try set(CURLOPT_CUSTOMREQUEST, string: method)
        }
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        var list: UnsafeMutablePointer<curl_slist>?
        for field in headers {
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            list = curl_slist_append(list, line)
        }
        // curl would otherwise wait up to 1 s for "100 Continue" before streaming a body.
        if sendsBody, headers["expect"] == nil { list = curl_slist_append(list, "Expect:") }
        headerList = list
        try set(CURLOPT_HTTPHEADER, slist: list)
    }

    // MARK: typed setopt, converting the CURLcode in one place

    func set(_ option: CURLoption, _ value: Int) throws(FetchError) {
        try check(CCurl_easy_setopt_long(easy, option, value), option)
    }
    func set(_ option: CURLoption, offT value: curl_off_t) throws(FetchError) {
        try check(CCurl_easy_setopt_off_t(easy, option, value), option)
    }
    func set(_ option: CURLoption, string value: String?) throws(FetchError) {
        let code: CURLcode
        if let value { code = value.withCString { CCurl_easy_setopt_string(easy, option, $0) } }  // curl copies strings
        else { code = CCurl_easy_setopt_string(easy, option, nil) }
        try check(code, option)
    }
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(FetchError) {
        try check(CCurl_easy_setopt_pointer(easy, option, value), option)
    }
    func set(_ option: CURLoption, slist value: UnsafeMutablePointer<curl_slist>?) throws(FetchError) {
        try check(CCurl_easy_setopt_slist(easy, option, value), option)
    }
    func set(_ option: CURLoption, callback value: CCurl_data_callback) throws(FetchError) {
        try check(CCurl_easy_setopt_callback(easy, option, value), option)
    }

    func check(_ code: CURLcode, _ option: CURLoption) throws(FetchError) {
        guard code != CURLE_OK else { return }
        throw FetchError(curlCode: code, errorBuffer: "setting curl option \(option.rawValue) failed",
                         osErrno: 0, url: request.url)
    }

    // MARK: getinfo

    func info(long key: CURLINFO) -> Int {
        var value = 0
        _ = CCurl_easy_getinfo_long(easy, key, &value)
        return value
    }
    func info(string key: CURLINFO) -> String? {
        var value: UnsafePointer<CChar>?
        guard CCurl_easy_getinfo_string(easy, key, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }
}
