import KV

/// Queue records.
///
/// - `queue`: key `readyAt (8 BE ms) + id (12)`, value = message.
/// - `running`: key `id`, value = `lease deadline (8 BE ms) + message`.
/// - message = `id (12) | payload length (4 BE) | serialized payload | key count (2 BE) |
///   (key length (2 BE) | key)* | backoff count (1) | backoff ms (4 BE)*`.
///
/// The id is the enqueueing commit's versionstamp plus a 2-byte index within that commit.
enum QueueCodec {
    static func encode(_ m: KvQueueMessage) -> [UInt8] {
        var out = m.id
        let p = m.payload.serialized
        out += be32(UInt32(p.count)) + p
        out += [UInt8(m.keysIfUndelivered.count >> 8), UInt8(m.keysIfUndelivered.count & 0xFF)]
        for k in m.keysIfUndelivered { out += [UInt8(k.count >> 8), UInt8(k.count & 0xFF)] + k }
        out.append(UInt8(m.backoffSchedule.count))
        for b in m.backoffSchedule { out += be32(UInt32(clamping: b)) }
        return out
    }

    static func decode(_ b: [UInt8]) throws(KvError) -> KvQueueMessage {
        var i = 0
        func take(_ n: Int) throws(KvError) -> ArraySlice<UInt8> {
            guard b.count - i >= n else { throw KvError(.corrupt, "corrupt queue message") }
            defer { i += n }
            return b[i..<(i + n)]
        }
        let id = Array(try take(12))
        let plen = try take(4).reduce(0) { $0 << 8 | Int($1) }
        let payload = try KvStoredValue(serialized: try take(plen))
        let kc = try take(2).reduce(0) { $0 << 8 | Int($1) }
        var keys: [[UInt8]] = []
        for _ in 0..<kc {
            let n = try take(2).reduce(0) { $0 << 8 | Int($1) }
            keys.append(Array(try take(n)))
        }
        let bc = Int(try take(1).first!)
        var schedule: [Int] = []
        for _ in 0..<bc { schedule.append(try take(4).reduce(0) { $0 << 8 | Int($1) }) }
        return KvQueueMessage(id: id, payload: payload, keysIfUndelivered: keys, backoffSchedule: schedule)
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func queueKey(readyAt: Int64, id: [UInt8]) -> [UInt8] { RecordCodec.beUInt64(UInt64(bitPattern: readyAt)) + id }
}
