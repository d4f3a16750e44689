/// Options of `enqueue`: Deno's `{delay, keysIfUndelivered, backoffSchedule}`.
public struct KvQueueOptions: Sendable {
    /// Milliseconds before the message becomes deliverable (0 … 30 days; fractions accepted).
    public var delay: Double?
    /// Keys that receive the message value if it is never delivered successfully.
    public var keysIfUndelivered: [KvKey]
    /// Retry delays in ms (≤ 5 entries, each 0 … 3 600 000). nil: `[100, 1000, 5000, 30000, 60000]`;
    /// `[]`: a single attempt.
    public var backoffSchedule: [Double]?

    public init(delay: Double? = nil, keysIfUndelivered: [KvKey] = [], backoffSchedule: [Double]? = nil) {
        self.delay = delay
        self.keysIfUndelivered = keysIfUndelivered
        self.backoffSchedule = backoffSchedule
    }

    /// Validates like Deno's `enqueue` (synchronous TypeErrors).
    public func validate() throws(KvError) {
        if let d = delay {
            if d < 0 { throw KvError(.invalidDelay, "Delay must be >= 0") }
            if d > KvLimits.maxQueueDelayMs { throw KvError(.invalidDelay, "Delay cannot be greater than 30 days") }
            if d.isNaN { throw KvError(.invalidDelay, "Delay cannot be NaN") }
        }
        if let s = backoffSchedule {
            if s.count > KvLimits.maxBackoffIntervals {
                throw KvError(.invalidBackoff, "Invalid backoffSchedule, max \(KvLimits.maxBackoffIntervals) intervals allowed")
            }
            for (i, x) in s.enumerated() where x < 0 || x > Double(KvLimits.maxBackoffIntervalMs) || x.isNaN {
                throw KvError(.invalidBackoff, "Invalid backoffSchedule, interval at index \(i) is invalid")
            }
        }
    }
}

/// A message handed to a queue consumer; pass it back to the store's `finish` exactly once.
package struct KvQueueMessage: Sendable {
    /// Store-assigned identity of the message (stable across redeliveries).
    public let id: [UInt8]
    public let payload: KvStoredValue
    public let keysIfUndelivered: [[UInt8]]
    public let backoffSchedule: [Int]

    public init(id: [UInt8], payload: KvStoredValue, keysIfUndelivered: [[UInt8]], backoffSchedule: [Int]) {
        self.id = id
        self.payload = payload
        self.keysIfUndelivered = keysIfUndelivered
        self.backoffSchedule = backoffSchedule
    }
}
