public import KV

/// The process's KV database in ``Services``.
package enum KvServiceKey: ServiceKey {
    public typealias Value = Kv
}

extension Context {
    /// The deployment's Deno-KV-compatible database (LMDB under `KV_PATH`, default `./.data/kv`).
    /// Throws 503 `storage_unavailable` when the store could not be opened: never silent data loss.
    public var kv: Kv {
        get throws {
            guard let kv = services[KvServiceKey.self] else {
                throw HTTPError(.serviceUnavailable, code: "storage_unavailable", message: "The KV store is not available")
            }
            return kv
        }
    }
}

/// KV errors a handler does not catch: bad keys and limits are the client's 400/413, storage trouble 503.
extension KvError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        switch code {
        case .valueTooLarge, .totalMutationSizeTooLarge, .totalKeySizeTooLarge:
            return HTTPError(.contentTooLarge, code: "value_too_large", message: description)
        case .closed, .storage, .mapFull:
            // The store's own words, without Deno's JS class ("TypeError: ..."): not a script error.
            return HTTPError(.serviceUnavailable, code: "storage_unavailable", message: message)
        case .busy:
            return HTTPError(.serviceUnavailable, code: "storage_busy", message: description)
        case .corrupt:
            return HTTPError(.internalServerError, code: "corrupt_record", message: description)
        default:
            return HTTPError(.badRequest, code: "invalid_kv_request", message: description)
        }
    }
}
