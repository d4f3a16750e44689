// Bare Hummingbird 2: GET /hello -> "Hello, world!" (text/plain). Listens on HOST:PORT
// (defaults 127.0.0.1:8080) and logs at .warning so no per-request logging is paid. The bench
// polls GET /hello for readiness, so nothing is printed.
import Foundation
import Hummingbird
import Logging

let env = ProcessInfo.processInfo.environment
let host = env["HOST"] ?? "127.0.0.1"
let port = Int(env["PORT"] ?? "") ?? 8080

var logger = Logger(label: "hello-hummingbird")
logger.logLevel = .warning

let router = Router()
router.get("hello") { _, _ -> String in
    "Hello, world!"
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname(host, port: port), serverName: nil),
    logger: logger
)
try await app.runService()
