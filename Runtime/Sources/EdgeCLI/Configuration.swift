import DevServer
import EdgeRuntime
import Server

#if canImport(Glibc)
import Glibc
#endif

/// The one configuration loader: every command (`serve`, `dev`, `routes`, `cron`, `kv`) reads its
/// settings through it, so they all see the same values.
///
/// Sources, highest priority first:
/// 1. command-line flags (applied by the commands on top of this);
/// 2. the process environment;
/// 3. the `.env` files in the current directory, in Next.js order (later wins):
///    `.env`, `.env.production`, `.env.local`, `.env.production.local`; under `edge dev`
///    (`EDGE_DEV=1`) the development set `.env`, `.env.development`, `.env.local`, `.env.development.local`;
/// 4. `vercel-like.json` (`--config FILE`, else `EDGE_CONFIG`, else `./vercel-like.json`); a file named
///    by `--config` or `EDGE_CONFIG` that does not exist is an error, a missing default is an empty config.
///
/// Every value the runtime itself reads (`PORT`, `HOST`, `EDGE_WORKERS`, `EDGE_KV`, `LOG_LEVEL`, `LOG_FORMAT`,
/// `ACCESS_LOG`, the config file) is validated here, at start-up, by every command, even when a flag overrides it, and an error names where the
/// value came from (the flag, the environment variable, or the `.env` file; the config file and the JSON
/// path). Error messages and the start-up log line never show a value unless ``Redaction`` lists its
/// variable as not secret.
struct Configuration: Sendable {
    /// The process environment laid over the `.env` files.
    let environment: [String: String]
    /// The `.env` files read, lowest priority first.
    let envFiles: [String]
    /// For each variable that came from a `.env` file (and not the process environment), that file.
    let fileOrigins: [String: String]
    /// The `vercel-like.json` read, or nil when the default file is absent.
    let configFile: String?
    let config: EdgeConfig
    let logLevel: Logger.Level
    let logFormat: LogFormat
    /// `ACCESS_LOG` (default on).
    let accessLog: Bool
    /// `PORT` (0 to 65535), when set.
    let port: Int?
    /// `EDGE_WORKERS` (0 to ``EdgeLimits/maxWorkers``), when set.
    let workers: Int?

    /// The Next.js production order, lowest priority first.
    static let productionFiles = [".env", ".env.production", ".env.local", ".env.production.local"]

    /// Loads and validates everything; `configPath` is `--config`.
    static func load(configPath: String?, processEnvironment: [String: String], directory: String = ".") throws(ConfigurationError) -> Configuration {
        let development = processEnvironment["EDGE_DEV"] == "1"
        var parsed: [DotEnv.ParseResult] = []
        var loaded: [String] = []
        var origins: [String: String] = [:]
        for name in development ? DotEnv.developmentFiles : productionFiles {
            let path = directory + "/" + name
            guard access(path, F_OK) == 0 else { continue }
            guard let bytes = FileIO.read(path) else { throw ConfigurationError("\(name): cannot be read") }
            let result = DotEnv.parse(String(decoding: bytes, as: UTF8.self))
            for warning in result.warnings { printError("edge: \(name): \(warning)\n") }
            for entry in result.entries where processEnvironment[entry.key] == nil { origins[entry.key] = name }
            parsed.append(result)
            loaded.append(name)
        }
        let environment = DotEnv.merge(files: parsed, processEnvironment: processEnvironment)

        let partial = Origins(fileOrigins: origins)
        let logLevel = try partial.level(environment)
        let logFormat = try partial.format(environment)
        let accessLog = try partial.onOff("ACCESS_LOG", environment) ?? true
        _ = try partial.onOff("EDGE_KV", environment)
        let port = try partial.integer("PORT", environment, in: 0...65535)
        let workers = try partial.integer("EDGE_WORKERS", environment, in: 0...EdgeLimits.maxWorkers)
        if environment["HOST"]?.isEmpty == true { throw ConfigurationError("\(partial.describe("HOST")) is empty") }

        let named = configPath.map { (path: $0, from: "--config") }
            ?? environment["EDGE_CONFIG"].map { (path: $0, from: partial.describe("EDGE_CONFIG")) }
        let file = named?.path ?? "vercel-like.json"
        var config = EdgeConfig()
        var configFile: String? = nil
        if access(file, F_OK) == 0 {
            guard let bytes = FileIO.read(file) else { throw ConfigurationError("\(file): cannot be read") }
            do {
                config = try EdgeConfig.parse(bytes)
            } catch {
                throw ConfigurationError("\(file): \(error.path): \(error.message)")
            }
            configFile = file
        } else if let named {
            throw ConfigurationError("\(named.path): the config file named by \(named.from) does not exist")
        }
        return Configuration(environment: environment, envFiles: loaded, fileOrigins: origins, configFile: configFile, config: config,
                             logLevel: logLevel, logFormat: logFormat, accessLog: accessLog, port: port, workers: workers)
    }

    /// Where `key`'s value came from, for messages: `environment variable PORT` or `PORT in .env.local`.
    func describe(_ key: String) -> String { Origins(fileOrigins: fileOrigins).describe(key) }

    /// `key` as on/off (`on|off|true|false|1|0`); nil when unset.
    func onOff(_ key: String) throws(ConfigurationError) -> Bool? { try Origins(fileOrigins: fileOrigins).onOff(key, environment) }

    /// Reads the source of each variable; shared by ``load(configPath:processEnvironment:directory:)`` before
    /// the configuration exists and by the configuration after.
    private struct Origins {
        let fileOrigins: [String: String]

        func describe(_ key: String) -> String {
            fileOrigins[key].map { "\(key) in \($0)" } ?? "environment variable \(key)"
        }

        /// `key` as an integer in `range`; nil when unset; an error naming the source otherwise.
        func integer(_ key: String, _ env: [String: String], in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let text = env[key] else { return nil }
            guard let n = Int(text), range.contains(n) else {
                throw ConfigurationError("\(describe(key)) must be an integer from \(range.lowerBound) to \(range.upperBound)\(Redaction.shown(key, text))")
            }
            return n
        }

        func level(_ env: [String: String]) throws(ConfigurationError) -> Logger.Level {
            guard let text = env["LOG_LEVEL"] else { return .info }
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("\(describe("LOG_LEVEL")) must be one of \(allowed)\(Redaction.shown("LOG_LEVEL", text))")
            }
            return level
        }

        func format(_ env: [String: String]) throws(ConfigurationError) -> LogFormat {
            switch env["LOG_FORMAT"]?.lowercased() {
            case nil, "json": return .json
            case "pretty": return .pretty
            case let other?: throw ConfigurationError("\(describe("LOG_FORMAT")) must be json or pretty\(Redaction.shown("LOG_FORMAT", other))")
            }
        }

        func onOff(_ key: String, _ env: [String: String]) throws(ConfigurationError) -> Bool? {
            switch env[key]?.lowercased() {
            case nil: return nil
            case "on", "true", "1": return true
            case "off", "false", "0": return false
            case let other?: throw ConfigurationError("\(describe(key)) must be on or off\(Redaction.shown(key, other))")
            }
        }
    }
}
