// RouteGen: the build tool behind RouteTablePlugin.
// Usage: RouteGen <project-root> <functions-dir> <vercel-like.json> <output.swift> <file>...
// Prints `file: error: message` lines and exits 1 on any routing error, which fails the build.
import Cron
import RouteGenCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let args = CommandLine.arguments
guard args.count >= 5 else {
    printError("usage: RouteGen <project-root> <functions-dir> <vercel-like.json> <output.swift> <file>...\n")
    exit(2)
}
let projectRoot = args[1], functionsDir = args[2], configPath = args[3], output = args[4]
let rootName = functionsDir.hasPrefix(projectRoot + "/") ? String(functionsDir.dropFirst(projectRoot.count + 1)) : "Functions"
let files: [String] = args.dropFirst(5).compactMap { f in
    f.hasPrefix(functionsDir + "/") ? String(f.dropFirst(functionsDir.count + 1)) : nil
}

func readFile(_ path: String) -> String? {
    guard let fp = fopen(path, "rb") else { return nil }
    defer { fclose(fp) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, fp)
        if n <= 0 { break }
        bytes.append(contentsOf: buf[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}

var (routes, errors) = RouteScanner.scan(files: files, root: rootName)
let (apps, appErrors) = AppScanner.scan(files: files, root: rootName)
errors += appErrors
// What the generated table will ask of each handler file, said in terms of the file (HandlerSourceCheck).
if errors.isEmpty {
    var sources: [String: String] = [:]
    for rel in files { sources[rootName + "/" + rel] = readFile(functionsDir + "/" + rel) ?? "" }
    errors += HandlerSourceCheck.check(routes, sources: sources)
}
if let config = readFile(configPath) {
    errors += CronPathCheck.check(configText: config, configFile: configPath, routes: routes)
    for (i, entry) in (CronPathCheck.cronEntries(in: config) ?? []).enumerated() {
        do { _ = try CronExpression(parsing: entry.schedule) } catch {
            errors.append(RouteGenError(file: configPath, .invalidConfig("crons[\(i)].schedule: \(error.description)")))
        }
    }
}
if !errors.isEmpty {
    for e in errors {
        // Absolute paths so the compiler driver and editors link them.
        let d = e.description
        print(d.hasPrefix("/") ? d : projectRoot + "/" + d)
    }
    exit(1)
}
let source = RouteTableEmitter.emit(routes, apps: apps, projectRoot: projectRoot)
guard let out = fopen(output, "wb") else {
    printError("RouteGen: cannot write \(output)\n")
    exit(1)
}
let bytes = Array(source.utf8)
fwrite(bytes, 1, bytes.count, out)
fclose(out)

func printError(_ s: String) {
    let b = Array(s.utf8)
    _ = b.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
