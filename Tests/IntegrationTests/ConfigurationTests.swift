import EdgeTesting
import Foundation
import Testing

/// The one configuration loader, through the real binary: `.env` files in Next.js order under `serve`,
/// the environment over them and flags over everything; bad values refused at start-up naming their
/// source; secrets never in the log.
@Suite(.serialized) struct ConfigurationTests {
    /// Starts `edge serve --workers 0` in `dir`; the port it reports, then stops it.
    static func servedPort(_ dir: TemporaryDirectory, _ args: [String] = [], env: [String: String] = [:]) throws -> (Int?, String) {
        let edge = try EdgeCLI.start(["serve", "--workers", "0", "--host", "127.0.0.1", "--no-kv"] + args, in: dir.path, env: env)
        defer { edge.stop(); edge.cleanup() }
        let port = edge.listeningPort()
        return (port, edge.out + edge.err)
    }

    @Test func dotEnvPrecedenceUnderServe() throws {
        let dir = try TemporaryDirectory()
        let ports = try (0..<4).map { _ in try EdgeCLI.freePort() }
        try dir.write(".env", "PORT=1\nLOG_LEVEL=bogus\n")
        try dir.write(".env.production", "PORT=2\n")
        try dir.write(".env.local", "PORT=\(ports[0])\nLOG_LEVEL=info\n")
        // .env.local beats .env.production and .env (and fixes .env's bad LOG_LEVEL).
        var (port, log) = try Self.servedPort(dir)
        #expect(port == ports[0], "\(log)")
        #expect(log.contains(#""envFiles":[".env",".env.production",".env.local"]"#), "\(log)")
        // .env.production.local beats .env.local.
        try dir.write(".env.production.local", "PORT=\(ports[1])\n")
        (port, log) = try Self.servedPort(dir)
        #expect(port == ports[1], "\(log)")
        // The environment beats every file; --port beats the environment.
        (port, log) = try Self.servedPort(dir, env: ["PORT": String(ports[2])])
        #expect(port == ports[2], "\(log)")
        (port, log) = try Self.servedPort(dir, ["--port", String(ports[3])], env: ["PORT": String(ports[2])])
        #expect(port == ports[3], "\(log)")
        // Under `edge dev` (EDGE_DEV=1) the production files are not read.
        try dir.write(".env.development", "PORT=\(ports[2])\n")
        try FileManager.default.removeItem(atPath: dir.file(".env.local"))
        try dir.write(".env", "PORT=1\n")
        (port, log) = try Self.servedPort(dir, env: ["EDGE_DEV": "1"])
        #expect(port == ports[2], "\(log)")
    }

    /// Each bad value: exit 1 before listening, naming the variable and where it came from.
    @Test(arguments: [
        ([".env.local": "PORT=99999\n"], [:], "PORT in .env.local"),
        ([".env": "PORT=eighty\n"], [:], "PORT in .env"),
        ([:], ["EDGE_WORKERS": "lots"], "environment variable EDGE_WORKERS"),
        ([:], ["LOG_LEVEL": "verbose"], "environment variable LOG_LEVEL must be one of trace, debug, info"),
        ([".env.production": "LOG_FORMAT=xml\n"], [:], "LOG_FORMAT in .env.production must be json or pretty"),
        ([:], ["ACCESS_LOG": "maybe"], "environment variable ACCESS_LOG must be on or off"),
        ([:], ["EDGE_KV": "of"], "environment variable EDGE_KV must be on or off"),
        ([:], ["HOST": ""], "environment variable HOST is empty"),
        ([:], ["EDGE_CONFIG": "missing.json"], "missing.json: the config file named by environment variable EDGE_CONFIG does not exist"),
        ([".env": "EDGE_CONFIG=typo.json\n"], [:], "typo.json: the config file named by EDGE_CONFIG in .env does not exist"),
        (["vercel-like.json": #"{"crons":[{"path":"/x","schedule":"61 * * * *"}]}"#], [:], "vercel-like.json: $.crons[0].schedule"),
        (["vercel-like.json": #"{"kv":{"paht":"x"}}"#], [:], "vercel-like.json: $.kv.paht: unknown key"),
        (["alt.json": "{not json"], ["EDGE_CONFIG": "alt.json"], "alt.json: $: not valid JSON"),
    ])
    func badValueFailsStartUpNamingItsSource(files: [String: String], env: [String: String], message: String) throws {
        let dir = try TemporaryDirectory()
        for (name, text) in files { try dir.write(name, text) }
        // Validated even when a flag overrides it: a broken file is reported, not hidden.
        let r = try EdgeCLI.run(["serve", "--workers", "0", "--no-kv", "--port", "0"], in: dir.path, env: env, timeout: 30)
        #expect(r.status == 1, "\(files) \(env): \(r.status) \(r.out) \(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
        #expect(!r.out.contains("listening"))
        // The same loader refuses the same value for the read-only commands.
        #expect(try EdgeCLI.run(["routes"], in: dir.path, env: env).status == 1)
    }

    /// Secrets from `.env` or the environment never reach the log or an error message.
    @Test func secretsAreRedacted() throws {
        let dir = try TemporaryDirectory()
        try dir.write(".env", "MY_API_KEY=hunter2-abc\nCRON_SECRET=s3cr3t-xyz\nDATABASE_URL=postgres://u:pw-987@db/x\nPORT=0\n")
        let (port, log) = try Self.servedPort(dir, env: ["EDGE_ADMIN_TOKEN": "adm-tok-555"])
        #expect(port != nil, "\(log)")
        #expect(log.contains(#""MY_API_KEY":"[redacted] (.env)""#), "\(log)")
        #expect(log.contains(#""PORT":"0 (.env)""#), "\(log)")
        for secret in ["hunter2-abc", "s3cr3t-xyz", "pw-987", "adm-tok-555"] { #expect(!log.contains(secret), "\(secret) in \(log)") }
        // A bad secret is refused without echoing it.
        try dir.write("vercel-like.json", #"{"crons":[{"path":"/admin/cron/backup","schedule":"0 3 * * *"}]}"#)
        let bad = try EdgeCLI.run(["serve", "--workers", "0", "--no-kv"], in: dir.path, env: ["CRON_SECRET": "leaky-secret-42 "])
        #expect(bad.status == 1 && bad.err.contains("CRON_SECRET"), "\(bad.err)")
        #expect(!(bad.out + bad.err).contains("leaky-secret-42"))
    }
}
