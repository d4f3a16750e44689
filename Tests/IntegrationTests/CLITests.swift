import EdgeTesting
import Foundation
import Testing

/// `edge` as a new user meets it: help everywhere, usage errors with status 2 naming the argument,
/// failures with status 1, flags honoured, and read-only commands that create nothing.
@Suite(.serialized) struct CLITests {
    static let commands: [[String]] = [
        [], ["serve"], ["dev"], ["routes"], ["cron"], ["cron", "list"], ["cron", "run"], ["kv"], ["kv", "get"], ["kv", "set"],
        ["kv", "delete"], ["kv", "list"], ["kv", "count"], ["kv", "export"], ["kv", "import"], ["kv", "backup"], ["kv", "restore"],
        ["version"],
    ]

    @Test func everyCommandHasHelpAndHelpDoesNothingElse() throws {
        let dir = try TemporaryDirectory()
        for command in Self.commands {
            let r = try EdgeCLI.run(command + ["--help"], in: dir.path)
            #expect(r.status == 0, "\(command) --help")
            #expect(r.out.contains("USAGE: edge \(command.joined(separator: " "))".trimmingCharacters(in: .whitespaces)), "\(command): \(r.out)")
            #expect(!r.out.contains("listening"))
        }
        // `edge help kv list` is the same text as `edge kv list --help`.
        let viaHelp = try EdgeCLI.run(["help", "kv", "list"], in: dir.path)
        #expect(viaHelp.status == 0 && viaHelp.out.contains("USAGE: edge kv list") && viaHelp.out.contains("--limit"))
        // `edge kv help` (where the old usage pointed) is `edge help kv`.
        let kvHelp = try EdgeCLI.run(["kv", "help"], in: dir.path)
        #expect(kvHelp.status == 0 && kvHelp.out.contains("USAGE: edge kv <subcommand>") && kvHelp.out.contains("restore"))
        #expect(EdgeCLI.listing(dir.path).isEmpty, "help created \(EdgeCLI.listing(dir.path))")
    }

    @Test func versionAndCompletion() throws {
        let dir = try TemporaryDirectory()
        let v = try EdgeCLI.run(["version"], in: dir.path)
        let flag = try EdgeCLI.run(["--version"], in: dir.path)
        #expect(v.status == 0 && v.out.hasPrefix("edge ") && flag.out == v.out)
        let bash = try EdgeCLI.run(["--generate-completion-script", "bash"], in: dir.path)
        #expect(bash.status == 0 && bash.out.contains("complete") && bash.out.contains("serve") && bash.out.contains("--workers"))
    }

    /// Each bad argument: status 2, and the message names the argument.
    @Test(arguments: [
        (["bogus"], "bogus"),
        (["serve", "--port", "abc"], "--port"),
        (["serve", "--port", "70000"], "--port"),
        (["serve", "--port"], "--port"),
        (["serve", "--workers", "-1"], "--workers"),
        (["serve", "--workers", "300"], "--workers"),
        (["serve", "--bogus"], "--bogus"),
        (["serve", "extra"], "extra"),
        (["dev", "--port", "x"], "--port"),
        (["routes", "--jsn"], "--jsn"),
        (["cron", "run"], "<path>"),
        (["cron", "run", "no-slash"], "<path>"),
        (["cron", "bogus"], "bogus"),
        (["kv", "list", "--limit", "abc"], "--limit"),
        (["kv", "list", "--limit", "0"], "--limit"),
        (["kv", "set", #"["k"]"#, "1", "--expire-in", "soon"], "--expire-in"),
        (["kv", "set", #"["k"]"#], "<json>"),
        (["kv", "get"], "<key>"),
        (["kv", "frobnicate"], "frobnicate"),
        (["serve", "--config", ""], "--config"),
    ])
    func badArgumentIsAUsageError(arguments: [String], named: String) throws {
        let dir = try TemporaryDirectory()
        let r = try EdgeCLI.run(arguments, in: dir.path)
        #expect(r.status == 2, "\(arguments): \(r.status) \(r.err)")
        #expect(r.err.contains(named), "\(arguments): \(r.err)")
        #expect(r.out.isEmpty)
        #expect(EdgeCLI.listing(dir.path).isEmpty, "\(arguments) created \(EdgeCLI.listing(dir.path))")
    }

    @Test func noCommandIsAUsageError() throws {
        let dir = try TemporaryDirectory()
        for args in [[], ["kv"], ["cron"]] {
            let r = try EdgeCLI.run(args, in: dir.path)
            #expect(r.status == 2 && r.err.contains("USAGE: edge"), "\(args)")
        }
    }

    /// Failures (not usage): status 1 with the reason.
    @Test func failuresExitOne() throws {
        let dir = try TemporaryDirectory()
        let missing = try EdgeCLI.run(["routes", "--config", "nope.json"], in: dir.path)
        #expect(missing.status == 1 && missing.err.contains("nope.json") && missing.err.contains("--config"), "\(missing.err)")
        let missingEnv = try EdgeCLI.run(["cron", "list"], in: dir.path, env: ["EDGE_CONFIG": "vercel-likes.json"])
        #expect(missingEnv.status == 1 && missingEnv.err.contains("vercel-likes.json") && missingEnv.err.contains("EDGE_CONFIG"), "\(missingEnv.err)")
        let noStore = try EdgeCLI.run(["kv", "get", #"["a"]"#], in: dir.path)
        #expect(noStore.status == 1 && noStore.err.contains("no KV store at ./.data/kv"), "\(noStore.err)")
        #expect(EdgeCLI.listing(dir.path).isEmpty)
    }

    /// Run in an empty folder (plus a config with a cron), the read-only commands leave it as it was.
    @Test func readOnlyCommandsLeaveNoTrace() throws {
        let dir = try TemporaryDirectory()
        try dir.write("vercel-like.json", #"{"crons":[{"path":"/admin/cron/backup","schedule":"0 3 * * *"}]}"#)
        let readOnly: [[String]] = [
            ["routes"], ["routes", "--json"], ["cron", "list"], ["cron", "list", "--json"], ["version"],
            ["kv", "list"], ["kv", "get", #"["a"]"#], ["kv", "count"], ["kv", "export"], ["kv", "backup", "snap"],
            ["kv", "list", "--data", "elsewhere"],
        ]
        for args in readOnly {
            let r = try EdgeCLI.run(args, in: dir.path)
            #expect(r.status == 0 || args.first == "kv", "\(args): \(r.err)")
            #expect(EdgeCLI.listing(dir.path) == ["vercel-like.json"], "\(args) created \(EdgeCLI.listing(dir.path))")
        }
        let crons = try EdgeCLI.run(["cron", "list"], in: dir.path)
        #expect(crons.out.contains("/admin/cron/backup") && crons.out.contains("0 3 * * *"))
    }

    @Test func routesJSONIsData() throws {
        let dir = try TemporaryDirectory()
        let r = try EdgeCLI.run(["routes", "--json"], in: dir.path)
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        let routes = json?["routes"] as? [[String: Any]] ?? []
        #expect(routes.count > 5)
        #expect(routes.contains { $0["pattern"] as? String == "/healthz" && ($0["maxDuration"] as? Int ?? 0) > 0 })
        #expect(json?["crons"] is [Any])
        let table = try EdgeCLI.run(["routes"], in: dir.path)
        #expect(table.out.hasPrefix("METHODS"))
    }

    /// `edge kv` uses the same data directory `edge serve` does: `kv.path` from vercel-like.json.
    @Test func kvHonoursTheConfigKVPath() throws {
        let dir = try TemporaryDirectory()
        try dir.write("vercel-like.json", #"{"kv":{"path":"./store"}}"#)
        #expect(try EdgeCLI.run(["kv", "set", #"["a"]"#, #"{"n":1}"#], in: dir.path).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.file("store/data.mdb")))
        let got = try EdgeCLI.run(["kv", "get", #"["a"]"#], in: dir.path)
        #expect(got.status == 0 && got.out.contains(#""n""#))
        let limited = try EdgeCLI.run(["kv", "list", "--limit", "1"], in: dir.path)
        #expect(limited.status == 0 && limited.out.split(separator: "\n").count == 1)
        // KV_PATH beats the config file, --data beats both.
        #expect(try EdgeCLI.run(["kv", "get", #"["a"]"#], in: dir.path, env: ["KV_PATH": "./other"]).status == 1)
        #expect(try EdgeCLI.run(["kv", "get", #"["a"]"#, "--data", "./store"], in: dir.path, env: ["KV_PATH": "./other"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.file("other")))
    }

    /// `--port` is honoured over PORT, in one process and under the supervisor; a port in use is named.
    @Test func portFlagIsHonouredAndAPortInUseIsNamed() throws {
        let dir = try TemporaryDirectory()
        for workers in ["0", "1"] {
            let port = try EdgeCLI.freePort()
            let edge = try EdgeCLI.start(["serve", "--workers", workers, "--port", String(port), "--host", "127.0.0.1", "--data", dir.file("kv")],
                                         in: dir.path, env: ["PORT": "1"])
            defer { edge.stop(); edge.cleanup() }
            #expect(edge.listeningPort() == port, "workers \(workers): \(edge.out) \(edge.err)")
            #expect(try RawHTTP.request(port: port, "GET", "/healthz").status == 200)

            let second = try EdgeCLI.run(["serve", "--workers", workers, "--port", String(port), "--host", "127.0.0.1", "--no-kv"], in: dir.path)
            #expect(second.status == 1, "workers \(workers)")
            #expect(second.err.contains("127.0.0.1:\(port)"), "workers \(workers): \(second.err)")
        }
    }
}
