import ArgumentParser
import EdgeJSON
import EdgeRuntime
import Server

/// `edge routes`: the route table in precedence order. Reads only; creates nothing.
struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the route table: methods, pattern, file, limits; and the crons.")

    @Flag(help: "Print JSON: {\"routes\": [{methods, pattern, file, maxDuration, maxBody}], \"crons\": [{path, schedule}]}.")
    var json = false

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let startup = try Startup.load(options)
        let app = try startup.application()
        let rows = app.routeTable
        if json {
            let routes = rows.map { r in
                JSONValue.object([("methods", .string(r.methods)), ("pattern", .string(r.pattern)), ("file", .string(r.file)),
                                  ("maxDuration", .number(Double(r.maxDuration))), ("maxBody", .number(Double(r.maxBody)))])
            }
            let crons = startup.config.crons.map { c in JSONValue.object([("path", .string(c.path)), ("schedule", .string(c.schedule))]) }
            print(JSONValue.object([("routes", .array(routes)), ("crons", .array(crons))]).text)
            return
        }
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
    }
}
