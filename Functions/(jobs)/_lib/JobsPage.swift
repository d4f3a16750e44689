import EdgeRuntime

/// The query of `GET /jobs`, validated (see ``Jobs``).
struct JobsPage: Sendable {
    var status: JobRecord.Status?
    var limit: Int
    /// Only jobs created before this creation number (the cursor).
    var before: Int?

    init(_ query: QueryParameters, path: String) throws(HTTPError) {
        var issues: [JSONValue] = []
        status = nil
        if let s = query["status"] {
            if let st = JobRecord.Status(rawValue: s) { status = st } else {
                issues.append(JobsErrors.issue("literal_error", ["query", "status"],
                                               "Input should be 'pending', 'running', 'done', 'failed', 'canceled' or 'timeout'"))
            }
        }
        limit = JobsLimits.defaultListLimit
        var limitText: String? = nil
        if let l = query["limit"] {
            let t = l.trimmingSpaces
            if let n = Int(t) { limit = n } else if Self.isInteger(t) { limitText = t; limit = 0 } else {
                issues.append(JobsErrors.issue("int_parsing", ["query", "limit"],
                                               "Input should be a valid integer, unable to parse string as an integer"))
            }
        }
        if !issues.isEmpty { throw JobsErrors.validation(path: path, issues) }
        guard JobsLimits.listLimitRange.contains(limit) else {
            throw HTTPError(.badRequest, code: "invalid_pagination", message: "limit must be between 1 and 100",
                            details: ["limit": limitText.map { .string($0) } ?? .number(Double(limit))])
        }
        before = nil
        if let c = query["cursor"], !c.isEmpty {
            guard c.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(c) else {
                throw HTTPError(.badRequest, code: "invalid_cursor", message: "cursor must be a non-negative integer",
                                details: ["cursor": .string(c)])
            }
            before = n == 0 ? nil : n  // "0" is the original's first offset: the first page (no job has number 0)
        }
    }

    /// An integer too large for `Int` (still a number: out of range, not malformed).
    static func isInteger(_ t: String) -> Bool {
        var u = Substring(t)
        if u.first == "-" || u.first == "+" { u = u.dropFirst() }
        return !u.isEmpty && u.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
