import EdgeTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A cron declared in the config fires in the real binary, in-process, with Vercel's headers.
@Suite(.serialized) struct CronIntegrationTests {
    static func writeConfig(_ text: String) -> String {
        let path = "/tmp/edge-cron-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json"
        let fp = fopen(path, "w")!
        fputs(text, fp)
        fclose(fp)
        return path
    }

    @Test func everySecondCronFiresAndShowsInTheOperatorEndpoint() throws {
        let config = Self.writeConfig(#"{"crons":[{"path":"/healthz","schedule":"* * * * * *"}]}"#)
        let kv = "/tmp/edge-cron-kv-\(getpid())"
        let edge = try EdgeProcess(environment: ["EDGE_CONFIG": config, "KV_PATH": kv, "EDGE_ADMIN_TOKEN": "secret-token"])
        // Protected endpoint.
        #expect(try RawHTTP.request(port: edge.port, "GET", "/__edge/crons").status == 401)
        // Every second: the first tick comes within a second or two.
        var fired = false
        for _ in 0..<20 {
            let r = try RawHTTP.request(port: edge.port, "GET", "/__edge/crons", headers: ["authorization": "Bearer secret-token"])
            #expect(r.status == 200)
            if r.text.contains("\"lastRunOutcome\":\"ok") { fired = true; break }
            sleep(1)
        }
        #expect(fired, "cron did not fire within 20 s; log:\n\(edge.log)")
        // One log line per run (the log is flushed every 50 ms).
        var logged = false
        for _ in 0..<40 where !logged { logged = edge.log.contains("\"msg\":\"cron\""); usleep(50_000) }
        #expect(logged)
    }

    @Test func cronPathThatMatchesNoRouteFailsStartup() throws {
        let config = Self.writeConfig(#"{"crons":[{"path":"/nowhere","schedule":"0 3 * * *"}]}"#)
        #expect(throws: EdgeProcess.StartError.self) { _ = try EdgeProcess(environment: ["EDGE_CONFIG": config]) }
        let bad = Self.writeConfig(#"{"crons":[{"path":"/healthz","schedule":"0 0 31 2 *"}]}"#)
        #expect(throws: EdgeProcess.StartError.self) { _ = try EdgeProcess(environment: ["EDGE_CONFIG": bad]) }
    }
}
