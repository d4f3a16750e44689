import EdgeRuntime
import Synchronization

/// A cached prompt list (§5.6's `list:` entries) and the `items` arrays served from it, each serialised
/// once per length asked for: a cache hit answers with bytes, not with a tree of 50 prompts rebuilt,
/// serialised and freed per request.
final class VLMPromptList: Sendable {
    let items: [VLMPrompt]
    /// `items` arrays by their length (at most one per length from 0 to `items.count`).
    private let serialized = Mutex<[Int: [UInt8]]>([:])

    init(_ items: [VLMPrompt]) { self.items = items }

    /// The JSON array of the first `limit` items.
    func itemsJSON(limit: Int) -> [UInt8] {
        let count = max(0, min(limit, items.count))
        if let bytes = serialized.withLock({ $0[count] }) { return bytes }
        let bytes = JSONValue.array(items.prefix(count).map(\.json)).serialized
        serialized.withLock { $0[count] = bytes }
        return bytes
    }
}
