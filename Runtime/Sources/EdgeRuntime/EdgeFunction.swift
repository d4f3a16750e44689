/// One HTTP endpoint: a folder under `Functions/` whose one Swift file declares a type of the same name.
///
/// ```swift
/// // Functions/api/users/[id]/GetUser.swift  ->  GET /api/users/:id
/// struct GetUser: EdgeFunction {
///     static let methods: HTTPMethods = [.get]
///     func handle(_ request: Request, context: Context) async throws -> Response {
///         .json(["id": try context.parameters.require("id")])
///     }
/// }
/// ```
///
/// Errors: a thrown ``HTTPError`` becomes its status with the JSON error envelope; any other error
/// becomes 500 `internal_error`, logged with the request id. The process never goes down for a handler bug.
/// Methods not in ``methods`` get 405 with an `Allow` header without calling ``handle(_:context:)``.
/// `HEAD` is answered by the `GET` handler with the body dropped; `OPTIONS` is answered by the runtime with
/// `Allow` unless ``methods`` contains `.options`.
public protocol EdgeFunction: Sendable {
    /// Methods this function answers.
    static var methods: HTTPMethods { get }
    init()
    func handle(_ request: Request, context: Context) async throws -> Response
}

extension EdgeFunction {
    public static var methods: HTTPMethods { .all }
}
