import EdgeRuntime
import Server

/// `edge routes`: the route table in precedence order.
enum Routes {
    static func run(_ args: [String], routes: [RouteDescriptor], apps: [AppDescriptor]) -> Int32 {
        guard let startup = Startup.load(), let app = startup.application(routes: routes, apps: apps) else { return 1 }
        let rows = app.routeTable
        let header = ("METHODS", "PATTERN", "FILE", "LIMITS")
        var table: [(String, String, String, String)] = [header]
        for r in rows {
            table.append((r.methods, r.pattern, r.file, "maxDuration=\(r.maxDuration)s maxBody=\(r.maxBody)B"))
        }
        let w0 = table.map(\.0.count).max() ?? 0, w1 = table.map(\.1.count).max() ?? 0, w2 = table.map(\.2.count).max() ?? 0
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        for r in table {
            print("\(pad(r.0, w0))  \(pad(r.1, w1))  \(pad(r.2, w2))  \(r.3)")
        }
        if !startup.config.crons.isEmpty {
            print("\nCRONS")
            for c in startup.config.crons { print("  \(c.schedule)  \(c.path)") }
        }
        return 0
    }
}
