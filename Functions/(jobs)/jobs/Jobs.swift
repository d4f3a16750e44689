import EdgeRuntime

/// `/jobs` (system 002, CONTRACTS §3.3).
///
/// **POST** `{"task":"detect-objects","imageBase64","minScore"?,"debugSleepMs"?,"idempotencyKey"?}` →
/// 200 `{"jobId","status","acceptedAt","requestId"}`: a new `pending` job run through the KV queue, or
/// the live job the idempotency key already names (its current status, `acceptedAt` = its `createdAt`).
///
/// **GET** `?status=&limit=20&cursor=` → 200 `{"items":[…],"nextCursor","requestId"}`, `createdAt`
/// descending, the status filter applied before paging. `limit` must be an integer (422) in 1…100 (400
/// `invalid_pagination`); `status` one of the six states (422). The cursor is the creation number of the
/// last job returned, as a decimal string: the next page holds only older jobs, so walking the pages
/// returns every job exactly once even while new ones arrive; `0` (the original's first offset) is the
/// first page; anything but a non-negative integer is 400 `invalid_cursor`.
struct Jobs: EdgeFunction {
    static let methods: HTTPMethods = [.get, .post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        if request.method == .post {
            let input = try await DetectInput.parse(request, job: true)
            let store = try await JobStore.cleaned(context)
            let (job, _) = try await store.create(input)
            return .json([
                "jobId": .string(job.jobId), "status": .string(job.status.rawValue),
                "acceptedAt": .string(job.createdAt), "requestId": .string(context.requestId),
            ])
        }
        let page = try JobsPage(request.query, path: request.path)
        let jobs = try await JobStore.cleaned(context).newestFirst()
        var items: [JSONValue] = []
        var last: JobRecord? = nil
        var more = false
        for job in jobs where page.status.map({ job.status == $0 }) ?? true {
            if let before = page.before, job.seq >= before { continue }
            if items.count == page.limit { more = true; break }
            items.append(job.statusJSON())
            last = job
        }
        var next: JSONValue = .null
        if more, let last { next = .string(String(last.seq)) }
        let body: JSONValue = ["items": .array(items), "nextCursor": next, "requestId": .string(context.requestId)]
        return .json(body)
    }
}
