import EdgeRuntime

/// Log metadata as key-value pairs in ascending key order (`String`'s `<`, as `keys.sorted()` orders
/// them), one pair per key: what a log line writes, in the order it writes it.
struct MetadataEntries: Sendable {
    struct Entry: Sendable {
        let key: String
        var value: Logger.MetadataValue
    }
    private(set) var pairs: [Entry] = []

    init() {}

    init(_ metadata: Logger.Metadata) {
        pairs = metadata.map { Entry(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    var dictionary: Logger.Metadata {
        var d = Logger.Metadata(minimumCapacity: pairs.count)
        for pair in pairs { d[pair.key] = pair.value }
        return d
    }

    /// The value for `key`; setting nil removes the pair, setting a value replaces or inserts it in order.
    subscript(key: String) -> Logger.MetadataValue? {
        get {
            for pair in pairs where pair.key == key { return pair.value }
            return nil
        }
        set {
            if let i = pairs.firstIndex(where: { $0.key == key }) {
                if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
                return
            }
            guard let newValue else { return }
            if pairs.capacity == 0 { pairs.reserveCapacity(4) }
            // Appended, then moved down to its place: a request's logger gets two or three keys.
            pairs.append(Entry(key: key, value: newValue))
            var i = pairs.count - 1
            while i > 0, key < pairs[i - 1].key {
                pairs.swapAt(i, i - 1)
                i -= 1
            }
        }
    }
}
