/// What `fetch` does with a `301`, `302`, `303`, `307` or `308` response that carries a `Location`.
///
/// Following is done by the client (not `CURLOPT_FOLLOWLOCATION`) with WHATWG fetch semantics:
/// `303` turns any method but `HEAD` into `GET` without a body; `301`/`302` turn `POST` into `GET`;
/// `307`/`308` keep the method and body (a streamed body cannot be replayed, which fails the request).
/// When the origin changes, `Authorization` and `Cookie` headers are dropped.
public enum RedirectPolicy: Sendable, Hashable {
    /// Follow up to `max` redirects, then fail with ``FetchError/Kind/tooManyRedirects``.
    case follow(max: Int)
    /// Return the redirect response itself to the caller.
    case manual
    /// Fail with ``FetchError/Kind/redirectRefused``.
    case error

    /// `follow(max: 20)`, as `fetch()` in browsers and Deno.
    public static let `default` = RedirectPolicy.follow(max: FetchLimits.defaultMaxRedirects)
}
