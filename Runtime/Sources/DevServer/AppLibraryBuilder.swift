import EdgeJSON

#if canImport(Glibc)
import Glibc
#endif

/// `edge dev`'s fast reload: the app module compiled on its own as a shared library, loaded by a
/// server binary that holds everything else.
///
/// A reload through `swift build` re-plans the package, recompiles the app module with its module
/// interface, and relinks the whole server binary. Here, after one full `swift build`:
///
/// - **the host** is SwiftPM's server binary linked once more with `--export-dynamic`, so a library
///   loaded into it resolves the runtime's symbols there (one copy of the runtime's types);
/// - **the library** is the app module's sources compiled incrementally under another module name
///   (no clash with the copy of the app linked into the host), with a generated route table and one
///   entry point (`AppManifest`), into `app-N.so`; no module interface, no index, line tables only;
/// - a new server is `host serve` with `EDGE_APP_LIBRARY=app-N.so`.
///
/// The commands come from SwiftPM's own plan (``SwiftPMPlan``), so flags, search paths and C
/// modules are SwiftPM's. State lives under `.build/edge-dev/` and survives restarts of `edge dev`.
final class AppLibraryBuilder {
    let plan: SwiftPMPlan
    let directory: String
    var hostPath: String { directory + "/host" }
    var objects: String { directory + "/objects" }
    var libraryModule: String { plan.moduleName + "_EdgeDevLibrary" }
    /// Sources as last compiled: a changed signature makes the compiler rebuild that file even when its
    /// modification time falls in the second the last build recorded (the driver's resolution).
    private var compiled: [String: [Int]] = [:]
    /// Swift files in the app's folder that SwiftPM left out (the package's `exclude:`): those not in its
    /// list that are older than its manifest. Newer ones appeared after its last build (or edge dev started
    /// with `--no-build`) and are sources.
    private let excluded: Set<String>
    /// The library the newest server loads.
    private(set) var current: String?
    private var serial = 0

    /// How one build went.
    enum Outcome {
        /// The library to load, and whether it differs from the last one.
        case built(library: String, changed: Bool)
        /// The compiler's or RouteGen's output.
        case failed(Subprocess.Termination, String)
        /// A command could not start (the reason was printed).
        case notStarted
    }

    /// Runs a command in the project: its termination and output, nil if it could not start.
    typealias Runner = (_ executable: String, _ arguments: [String]) -> (Subprocess.Termination, String)?

    /// Reads SwiftPM's plan from the build manifest next to `binary`'s configuration folder
    /// (`.build/debug/edge` -> `.build/debug.yaml`). State goes to `.build/edge-dev/PRODUCT-HASH/`, one
    /// folder per project and product: projects that share a build folder (`swift build --scratch-path`)
    /// keep their own host and objects.
    init(binary: String) throws(SwiftPMPlan.Unusable) {
        var parts = binary.split(separator: "/", omittingEmptySubsequences: false)
        let product = parts.removeLast()
        parts.removeLast()  // debug
        let scratch = parts.joined(separator: "/")
        let manifestPath = scratch + "/debug.yaml"
        guard let manifest = FileSystem.readText(manifestPath) else {
            throw SwiftPMPlan.Unusable(description: "no SwiftPM build manifest at \(manifestPath)")
        }
        self.plan = try SwiftPMPlan.parse(manifest: manifest, binary: FileSystem.realPath(binary) ?? binary)
        self.directory = scratch + "/edge-dev/\(product)-\(Self.hash(plan.sourceDirectory))"
        let planned = FileSystem.signature(manifestPath).map { ($0[0], $0[1]) } ?? (0, 0)
        let listed = Set(plan.moduleSources)
        self.excluded = Set(Self.swiftFiles(in: plan.sourceDirectory).filter { file in
            guard !listed.contains(file), let s = FileSystem.signature(file) else { return false }
            return (s[0], s[1]) <= planned
        })
        _ = FileSystem.makeDirectories(objects)
    }

    /// FNV-1a of `text`, 16 hex digits: a stable folder name for a path.
    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let digits = String(h, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    // MARK: Host

    /// Whether the host is missing or older than an object of SwiftPM's link that is not the app's
    /// (nor the executable's main module's, which only hands the linked-in app to the runtime): a
    /// change of the app alone, which relinks SwiftPM's binary, leaves the host as it is.
    var hostIsStale: Bool {
        guard let host = FileSystem.signature(hostPath) else { return true }
        let hostTime = (host[0], host[1])
        var skipped = ["/" + plan.moduleName + ".build/"]
        if let main = plan.linkArguments.first(where: { $0.hasPrefix("main=") && $0.hasSuffix("_main") }) {
            skipped.append("/" + main.dropFirst(5).dropLast(5) + ".build/")
        }
        for object in linkedObjects() where !skipped.contains(where: { object.contains($0) }) {
            guard let s = FileSystem.signature(object) else { return true }
            if (s[0], s[1]) > hostTime { return true }
        }
        return false
    }

    /// The objects SwiftPM's link reads from its response file (`@Objects.LinkFileList`).
    func linkedObjects() -> [String] {
        guard let list = plan.linkArguments.first(where: { $0.hasPrefix("@") }),
              let text = FileSystem.readText(String(list.dropFirst())) else { return [] }
        return text.split(separator: "\n").map { line in
            var s = Substring(line)
            if s.count >= 2, let f = s.first, (f == "\"" || f == "'"), s.last == f { s = s.dropFirst().dropLast() }
            return String(s)
        }
    }

    /// SwiftPM's link command's arguments (the compiler driver, `plan.linkArguments[0]`, left out) with
    /// the host as output and every symbol exported.
    var hostLinkArguments: [String] {
        var args = Array(plan.linkArguments.dropFirst())
        if let o = args.firstIndex(of: "-o"), o + 1 < args.count { args[o + 1] = hostPath }
        return args + ["-Xlinker", "--export-dynamic"]
    }

    // MARK: Library

    /// The app's Swift sources as SwiftPM would list them today: every `.swift` file under its folder
    /// but the excluded ones.
    func currentSources() -> [String] {
        Self.swiftFiles(in: plan.sourceDirectory).filter { !excluded.contains($0) }
    }

    static func swiftFiles(in directory: String) -> [String] {
        var found: [String] = []
        FileSystem.walk(directory) { path in
            if path.hasSuffix(".swift") { found.append(path) }
        }
        return found.sorted()
    }

    /// Whether a change to these files (absolute paths) needs `swift build` before the library: they
    /// are what SwiftPM generates sources from (embedded resources).
    func needsSwiftBuild(_ changed: some Sequence<String>) -> Bool {
        changed.contains { plan.derivedInputs.contains($0) }
    }

    var routeTable: String { directory + "/RouteTable.generated.swift" }
    var entryFile: String { directory + "/AppLibraryEntry.swift" }
    var sourcesFile: String { directory + "/sources" }
    var outputFileMap: String { directory + "/output-file-map.json" }
    var linkedLibrary: String { directory + "/app.so" }

    static let entrySource = """
        // Written by edge dev: the app library's entry point (AppManifest). Never edited.
        import EdgeRuntime

        @_cdecl("\(AppManifestSymbol.name)")
        public func edgeAppLibraryManifest() -> UnsafeMutableRawPointer {
            AppManifest(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps).retainedPointer()
        }

        """

    /// The compiler command's arguments (the driver, `plan.compileArguments[0]`, left out): SwiftPM's for
    /// the app module, minus what only a module's importers or an IDE need (module interface,
    /// Objective-C header, index, testing), emitting a shared library.
    func libraryArguments(sources: [String]) -> [String] {
        let dropWithValue: Set<String> = ["-emit-module-path", "-index-store-path", "-emit-objc-header-path", "-output-file-map", "-module-name", "-o"]
        let drop: Set<String> = ["-emit-dependencies", "-emit-module", "-serialize-diagnostics", "-enable-testing",
                                 "-parseable-output", "-emit-objc-header", "-c", "-g", "-emit-executable", "-emit-library"]
        let inputs = Set(sources + plan.derivedSources)
        var args: [String] = []
        var i = 1
        let original = plan.compileArguments
        while i < original.count {
            let a = original[i]
            let afterXcc = i > 0 && original[i - 1] == "-Xcc"
            if !afterXcc, dropWithValue.contains(a) { i += 2; continue }
            if !afterXcc, drop.contains(a) || a.hasPrefix("@") || inputs.contains(a) || a.hasSuffix("RouteTable.generated.swift") { i += 1; continue }
            args.append(a)
            i += 1
        }
        return args + [
            "-module-name", libraryModule,
            "-gline-tables-only",
            "-output-file-map", outputFileMap,
            "-emit-library", "-o", linkedLibrary,
            "-Xlinker", "-Bsymbolic",
            "@" + sourcesFile,
        ]
    }

    /// RouteGen, then an incremental compile into a new library file.
    func build(run: Runner) -> Outcome {
        let sources = currentSources()

        // The route table: rewritten only when it changes (the compiler goes by modification times).
        let fresh = directory + "/RouteTable.new.swift"
        let rg = plan.routeGenArguments
        guard let (rgEnd, rgOutput) = run(rg[0], Array(rg[1...3]) + [fresh] + sources) else { return .notStarted }
        guard rgEnd.succeeded else { return .failed(rgEnd, rgOutput) }
        if FileSystem.readBytes(fresh) != FileSystem.readBytes(routeTable) {
            _ = rename(fresh, routeTable)
        } else {
            unlink(fresh)
        }
        if FileSystem.readText(entryFile) != Self.entrySource { _ = FileSystem.writeText(entryFile, Self.entrySource) }

        let all = sources + plan.derivedSources + [routeTable, entryFile]
        let list = all.joined(separator: "\n") + "\n"
        if FileSystem.readText(sourcesFile) != list {
            _ = FileSystem.writeText(sourcesFile, list)
            _ = FileSystem.writeText(outputFileMap, outputMap(all))
        }
        // A source whose signature moved since it was compiled loses its object: it is rebuilt.
        var signatures: [String: [Int]] = [:]
        for s in all {
            let sig = FileSystem.signature(s) ?? []
            signatures[s] = sig
            if let old = compiled[s], old != sig { unlink(objectPath(s)) }
        }

        guard let (end, output) = run(plan.compileArguments[0], libraryArguments(sources: sources)) else { return .notStarted }
        guard end.succeeded else { return .failed(end, output) }
        compiled = signatures

        if let current, FileSystem.readBytes(current) == FileSystem.readBytes(linkedLibrary) {
            unlink(linkedLibrary)
            return .built(library: current, changed: false)
        }
        var next: String
        repeat {
            serial += 1
            next = directory + "/app-\(serial).so"
        } while FileSystem.exists(next)
        _ = rename(linkedLibrary, next)
        current = next
        return .built(library: next, changed: true)
    }

    /// Removes the libraries no server loads any more (a running server keeps its mapping).
    func removeOldLibraries() {
        for name in FileSystem.list(directory) where name.hasPrefix("app-") && name.hasSuffix(".so") {
            let path = directory + "/" + name
            if path != current { unlink(path) }
        }
    }

    func objectPath(_ source: String) -> String {
        objects + "/" + Self.flatName(source) + ".o"
    }

    /// A source's outputs' base name: its file name and a hash of its whole path (two `Hello.swift` in
    /// different folders, or `a/b_c` and `a_b/c`, never share one).
    static func flatName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file + "-" + hash(path)
    }

    /// The driver's output-file map: an object and a dependency file per source.
    func outputMap(_ sources: [String]) -> String {
        var entries = ["  \"\": {\"swift-dependencies\": \(Self.quoted(objects + "/module.swiftdeps"))}"]
        for s in sources {
            let base = objects + "/" + Self.flatName(s)
            entries.append("  \(Self.quoted(s)): {\"object\": \(Self.quoted(base + ".o")), \"swift-dependencies\": \(Self.quoted(base + ".swiftdeps"))}")
        }
        return "{\n" + entries.joined(separator: ",\n") + "\n}\n"
    }

    static func quoted(_ s: String) -> String {
        String(decoding: JSONValue.string(s).serialized(pretty: false), as: UTF8.self)
    }
}

/// The entry point's C name (`AppManifest.entrySymbol` in EdgeRuntime, which this module does not import).
enum AppManifestSymbol {
    static let name = "edge_app_manifest"
}
