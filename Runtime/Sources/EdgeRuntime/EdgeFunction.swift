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
/// Errors: a thrown ``HTTPError`` becomes its status in the app's error shape (``AppPolicy/errors``);
/// any other error becomes 500 `internal_error`, logged with the request id. CORS, credentials and the
/// error shape come from the route group's app (``EdgeApp``), never from the handler.
/// Methods not in ``methods`` get 405 with an `Allow` header without calling ``handle(_:context:)``.
/// `HEAD` is answered by the `GET` handler with the body dropped; `OPTIONS` is answered by the runtime with
/// `Allow` unless ``methods`` contains `.options`.
public protocol EdgeFunction: Sendable {
    /// Methods this function answers.
    static var methods: HTTPMethods { get }
    /// The app credential required before ``handle(_:context:)`` runs (default: the app's default).
    static var auth: RouteAuth { get }
    init()
    func handle(_ request: Request, context: Context) async throws -> Response
}

extension EdgeFunction {
    public static var methods: HTTPMethods { .all }
    public static var auth: RouteAuth { .appDefault }
}
