/// An error that knows its HTTP answer (KV limits -> 400/413, upstream failures -> 502/504...).
/// The runtime uses it for errors a handler did not catch.
public protocol HTTPErrorConvertible: Error {
    var httpError: HTTPError { get }
}
