import Logging
import Synchronization

/// What a handler notes on the way for the runtime to apply to whatever response the request ends
/// with, its errors included: response headers (rate-limit counters on a 429) and access-log fields
/// (`cache: HIT`). One per request; written by the handler's tasks, read once by the runtime after.
/// It also keeps the request's logger once ``Context/logger`` has built it (the one object every
/// context of the request shares).
package final class ResponseNotes: Sendable {
    private let state = Mutex<(headers: HTTPFields, fields: [(String, String)])>((HTTPFields(), []))
    let requestLogger = Mutex<Logger?>(nil)

    package init() {}

    func setHeader(_ name: HTTPField.Name, _ value: String) {
        state.withLock { $0.headers[name] = value }
    }

    func setField(_ name: String, _ value: String) {
        state.withLock { s in
            if let i = s.fields.firstIndex(where: { $0.0 == name }) { s.fields[i].1 = value } else { s.fields.append((name, value)) }
        }
    }

    package var headers: HTTPFields { state.withLock { $0.headers } }
    package var fields: [(String, String)] { state.withLock { $0.fields } }
}
