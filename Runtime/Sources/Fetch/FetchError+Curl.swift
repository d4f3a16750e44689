import CCurl
#if canImport(Glibc)
import Glibc
#endif

extension FetchError {
    /// The one place a libcurl `CURLcode` becomes a ``FetchError``.
    ///
    /// - Parameters:
    ///   - code: the transfer's result.
    ///   - errorBuffer: the contents of `CURLOPT_ERRORBUFFER`, often more specific than `curl_easy_strerror`.
    ///   - osErrno: `CURLINFO_OS_ERRNO`, used to tell a refused connection from other connect failures.
    init(curlCode code: CURLcode, errorBuffer: String, osErrno: Int, url: String?,
         file: String = #fileID, line: Int = #line) {
        let kind: Kind
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            kind = .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .dns
        case CURLE_COULDNT_CONNECT:
            kind = osErrno == Int(ECONNREFUSED) ? .connectionRefused : .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED:
            kind = .tls
        case CURLE_OPERATION_TIMEDOUT:
            // Only CURLOPT_CONNECTTIMEOUT_MS is delegated to curl; the other limits are ours.
            kind = .timeout(.connect)
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
             CURLE_HTTP2_STREAM, CURLE_HTTP2:
            kind = .connectionClosed
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING:
            kind = .invalidResponse
        case CURLE_ABORTED_BY_CALLBACK, CURLE_WRITE_ERROR, CURLE_READ_ERROR:
            kind = .aborted
        case CURLE_TOO_MANY_REDIRECTS:
            kind = .tooManyRedirects
        default:
            kind = .other
        }
        let generic = String(cString: curl_easy_strerror(code))
        let message = errorBuffer.isEmpty ? generic : "\(generic): \(errorBuffer)"
        self.init(kind, curlCode: Int(code.rawValue), message: message, url: url, file: file, line: line)
    }
}
