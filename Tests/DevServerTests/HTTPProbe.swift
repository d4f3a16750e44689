import EdgeTesting

#if canImport(Glibc)
import Glibc
#endif

/// `edge dev`'s probes: one GET per connection through ``RawHTTP``, as a `Result` the end-to-end tests
/// switch on, and a poll until a route serves an expected body.
enum HTTPProbe {
    struct Response: Sendable {
        let status: Int
        let body: String
    }

    static func get(port: Int, path: String, timeout: Double = 10) -> Result<Response, RawHTTP.Failure> {
        do {
            let r = try RawHTTP.request(port: port, "GET", path, timeoutSeconds: max(1, Int(timeout.rounded(.up))))
            return .success(Response(status: r.status, body: r.text))
        } catch let failure as RawHTTP.Failure {
            return .failure(failure)
        } catch {
            return .failure(RawHTTP.Failure(description: "\(error)"))
        }
    }

    /// Polls until `path` answers 200 with `body` (trimmed), or `timeout` passes. Returns the
    /// seconds it took, or nil.
    static func waitFor(port: Int, path: String, body: String, timeout: Double) -> Double? {
        let start = monotonicSeconds()
        while monotonicSeconds() - start < timeout {
            if case .success(let r) = get(port: port, path: path, timeout: 5), r.status == 200, r.body.trimmingCharacters == body {
                return monotonicSeconds() - start
            }
            usleep(50_000)
        }
        return nil
    }
}

extension String {
    var trimmingCharacters: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
