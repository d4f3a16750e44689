import EdgeRuntime

extension ChatStore {
    /// The retention sweep (CONTRACTS §2.1 `RETENTION_DAYS`): deletes every conversation, live or
    /// soft-deleted, whose last activity is older than `cutoffMs`, with its messages and index entries.
    /// Each conversation goes in its own commits, so a sweep interrupted half-way leaves nothing broken.
    /// Returns how many conversations were deleted.
    func sweep(olderThan cutoffMs: Int64) async throws -> Int {
        var deleted = 0
        for try await entry in try kv.list(.prefix(["chat", "conv"])) {
            guard let c = try? entry.decode(as: ChatConversation.self), c.updatedAtMs < cutoffMs else { continue }
            _ = try await kv.deleteRange(.prefix(Self.msgPrefix(c.id)))
            _ = try await ChatRetry.run { () async throws -> Bool? in
                let current = try await kv.get(Self.convKey(c.id))
                guard current.versionstamp != nil else { return true }
                let op = kv.atomic().check(Self.convKey(c.id), versionstamp: current.versionstamp)
                    .delete(Self.convKey(c.id)).delete(Self.sessKey(c))
                if c.deletedAtMs == nil {
                    let countEntry = try await kv.get(Self.countKey(c.sessionId))
                    op.check(Self.countKey(c.sessionId), versionstamp: countEntry.versionstamp)
                        .set(Self.countKey(c.sessionId), .number(Double(max(0, Self.count(countEntry.value) - 1))))
                }
                return try await op.commit().ok ? true : nil
            }
            deleted += 1
        }
        return deleted
    }
}
