import EdgeRuntime

/// `GET /openapi.json`: the OpenAPI 3.1 document of every route and of the runtime's own endpoints.
///
/// The document is `OpenAPIDocumentText` (`_document/`, a private folder beside this route), JSON maintained
/// by hand next to the routes it describes and compiled into the binary, so a deployment that ships only the
/// binary serves it too. `FunctionsTests.OpenAPIDocumentTests` fails `make test` when its paths and
/// methods drift from the route table; `conformance/openapi/run.sh` fuzzes a live `edge serve` with it.
struct OpenAPIDocument: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .bytes(OpenAPIDocumentText.bytes))
    }
}
