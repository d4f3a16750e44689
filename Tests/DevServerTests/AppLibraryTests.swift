#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import DevServer

/// The fast reload's plumbing without a compiler: SwiftPM's plan read from a manifest, the library's
/// compiler command derived from SwiftPM's, and a build's bookkeeping (route table rewritten only when
/// it changes, changed sources lose their objects, a new library file per change, an unchanged
/// library reported as such). `edge dev end to end` runs the real thing.
@Suite("app library (fast reloads)")
struct AppLibraryTests {
    static func manifest(root: String) -> String {
        let b = root + "/.build/x86_64-unknown-linux-gnu/debug"
        let table = root + "/.build/plugins/outputs/p/Functions/destination/RouteTablePlugin/RouteTable.generated.swift"
        return """
        client:
          name: basic
        tools: {}
        targets:
          "main": ["<edge>"]
        commands:
          "C.Functions-x86_64-unknown-linux-gnu-debug.module":
            tool: shell
            inputs: ["\(root)/Functions/hello/Hello.swift","\(b)/Functions.build/DerivedSources/embedded_resources.swift","\(table)","\(b)/Modules/EdgeRuntime.swiftmodule"]
            outputs: ["\(b)/Functions.build/Hello.swift.o"]
            description: "Compiling Swift Module 'Functions' (3 sources)"
            args: ["/opt/swift/usr/bin/swiftc","-module-name","Functions","-emit-dependencies","-emit-module","-emit-module-path","\(b)/Modules/Functions.swiftmodule","-output-file-map","\(b)/Functions.build/output-file-map.json","-parse-as-library","-incremental","-c","@\(b)/Functions.build/sources","-I","\(b)/Modules","-index-store-path","\(b)/index/store","-Onone","-enable-testing","-j2","-DDEBUG","-Xcc","-fmodule-map-file=\(b)/CCurl.build/module.modulemap","-parseable-output","-emit-objc-header","-emit-objc-header-path","\(b)/Functions.build/include/Functions-Swift.h","-swift-version","6","-g","-Xcc","-fPIC","-Xcc","-g","-package-name","p"]

          "C.edge-x86_64-unknown-linux-gnu-debug.exe":
            tool: shell
            inputs: ["\(b)/CLI.build/main.swift.o"]
            outputs: ["\(b)/edge"]
            description: "Linking ./.build/x86_64-unknown-linux-gnu/debug/edge"
            args: ["/opt/swift/usr/bin/swiftc","-L","\(b)","-o","\(b)/edge","-module-name","edge","-emit-executable","-Xlinker","--defsym","-Xlinker","main=CLI_main","@\(b)/edge.product/Objects.LinkFileList","-g"]

          "Generating route table from Functions/-0123":
            tool: shell
            inputs: ["\(b)/RouteGen-tool","\(root)/Functions/hello/Hello.swift","\(root)/vercel-like.json"]
            outputs: ["\(table)"]
            description: "Generating route table from Functions/"
            args: ["\(b)/RouteGen-tool","\(root)","\(root)/Functions","\(root)/vercel-like.json","\(table)","\(root)/Functions/hello/Hello.swift"]

          "\(b)/Functions.build/DerivedSources/embedded_resources.swift":
            tool: write-auxiliary-file
            inputs: ["<embedded-resources>","\(root)/Functions/openapi.json/openapi.json"]
            outputs: ["\(b)/Functions.build/DerivedSources/embedded_resources.swift"]
            description: "Write auxiliary file embedded_resources.swift"

          "PackageStructure":
            tool: package-structure-tool
            inputs: ["\(root)/Functions/"]
            outputs: ["<PackageStructure>"]

        """
    }

    @Test func thePlanNamesTheAppModuleTheRouteGeneratorAndTheLink() throws {
        let b = "/p/.build/x86_64-unknown-linux-gnu/debug"
        let plan = try SwiftPMPlan.parse(manifest: Self.manifest(root: "/p"), binary: b + "/edge")
        #expect(plan.moduleName == "Functions")
        #expect(plan.sourceDirectory == "/p/Functions")
        #expect(plan.derivedSources == [b + "/Functions.build/DerivedSources/embedded_resources.swift"])
        #expect(plan.moduleSources == ["/p/Functions/hello/Hello.swift"])
        #expect(plan.derivedInputs == ["/p/Functions/openapi.json/openapi.json"])
        #expect(plan.routeGenArguments.first == b + "/RouteGen-tool")
        #expect(plan.linkArguments.contains("-emit-executable"))
        #expect(plan.compileArguments.first == "/opt/swift/usr/bin/swiftc")
    }

    @Test func aManifestWithoutTheAppSaysWhatIsMissing() {
        let other = Self.manifest(root: "/p").replacingAll("RouteTable.generated.swift", with: "Other.swift")
        #expect(throws: SwiftPMPlan.Unusable.self) { try SwiftPMPlan.parse(manifest: other, binary: "/p/.build/x86_64-unknown-linux-gnu/debug/edge") }
        #expect(throws: SwiftPMPlan.Unusable.self) { try SwiftPMPlan.parse(manifest: Self.manifest(root: "/p"), binary: "/elsewhere/edge") }
    }

    @Test func theLibraryCompilesWithSwiftPMsFlagsMinusTheModuleInterfaceAndIndex() throws {
        let dir = try TempProject()
        defer { dir.remove() }
        let builder = try AppLibraryBuilder(binary: dir.binary)
        let args = builder.libraryArguments(sources: [dir.root + "/Functions/hello/Hello.swift"])
        for gone in ["-emit-module", "-emit-module-path", "-index-store-path", "-enable-testing", "-emit-objc-header", "-parseable-output", "-c"] {
            #expect(!args.contains(gone), "\(gone) should be dropped")
        }
        #expect(!args.contains { $0.hasPrefix("@") && $0.hasSuffix("Functions.build/sources") })
        // The C compiler's -g stays (it follows -Xcc); Swift's becomes line tables.
        #expect(args.indices.contains { args[$0] == "-g" && args[$0 - 1] == "-Xcc" })
        #expect(!args.indices.contains { args[$0] == "-g" && args[$0 - 1] != "-Xcc" })
        #expect(args.contains("-gline-tables-only"))
        #expect(args.contains("-package-name") && args.contains("-DDEBUG") && args.contains("-Onone"))
        #expect(args[args.firstIndex(of: "-module-name")! + 1] == "Functions_EdgeDevLibrary")
        #expect(args.filter { $0 == "-module-name" }.count == 1)
        #expect(args[args.firstIndex(of: "-o")! + 1] == builder.directory + "/app.so")
        #expect(args.contains("-emit-library") && args.last == "@" + builder.sourcesFile)
        #expect(!args.contains("/opt/swift/usr/bin/swiftc"), "the driver is the executable, not an argument")
        #expect(builder.hostLinkArguments.first == "-L")
        #expect(builder.hostLinkArguments.suffix(2) == ["-Xlinker", "--export-dynamic"])
        #expect(builder.hostLinkArguments[builder.hostLinkArguments.firstIndex(of: "-o")! + 1] == builder.hostPath)
        // Objects are named per path: sources whose flattened paths would coincide keep apart.
        #expect(AppLibraryBuilder.flatName("/p/Functions/a/b_c.swift") != AppLibraryBuilder.flatName("/p/Functions/a_b/c.swift"))
        #expect(AppLibraryBuilder.flatName("/p/Functions/a/b_c.swift").hasPrefix("b_c.swift-"))
    }

    @Test func theHostIsRelinkedOnlyWhenTheRuntimeChanged() throws {
        let dir = try TempProject()
        defer { dir.remove() }
        let builder = try AppLibraryBuilder(binary: dir.binary)
        let b = dir.root + "/.build/x86_64-unknown-linux-gnu/debug"
        let runtime = b + "/EdgeRuntime.build/Request.swift.o", app = b + "/Functions.build/Hello.swift.o", main = b + "/CLI.build/main.swift.o"
        dir.write(".build/x86_64-unknown-linux-gnu/debug/edge.product/Objects.LinkFileList", "\(runtime)\n'\(app)'\n\(main)\n")
        for o in [runtime, app, main] { dir.write(String(o.dropFirst(dir.root.count + 1)), "object") }
        #expect(builder.linkedObjects() == [runtime, app, main])
        #expect(builder.hostIsStale, "no host yet")

        for o in [runtime, app, main] { setTime(o, 1_000) }
        _ = FileSystem.writeText(builder.hostPath, "host")
        setTime(builder.hostPath, 2_000)
        #expect(!builder.hostIsStale)
        // The app and the executable's main module changed (an edit, a new route): the host stays.
        setTime(app, 3_000)
        setTime(main, 3_000)
        #expect(!builder.hostIsStale)
        // A runtime module changed: relink.
        setTime(runtime, 3_000)
        #expect(builder.hostIsStale)
    }

    @Test func excludedFilesStayOutAndEmbeddedResourcesNeedSwiftBuild() throws {
        let dir = try TempProject()
        defer { dir.remove() }
        // Older than SwiftPM's manifest and not among its sources: the package excludes it.
        dir.write("Functions/hello/Scratch.swift", "this is not Swift")
        setTime(dir.root + "/Functions/hello/Scratch.swift", 1_000)
        // Newer than the manifest (added since the last swift build, before or after edge dev started): a source.
        dir.write("Functions/early/Early.swift", "struct Early {}")
        let builder = try AppLibraryBuilder(binary: dir.binary)
        dir.write("Functions/later/Later.swift", "struct Later {}")
        #expect(builder.currentSources() == [dir.root + "/Functions/early/Early.swift", dir.root + "/Functions/hello/Hello.swift",
                                             dir.root + "/Functions/later/Later.swift"])
        #expect(builder.needsSwiftBuild([dir.root + "/Functions/openapi.json/openapi.json"]))
        #expect(!builder.needsSwiftBuild([dir.root + "/Functions/hello/Hello.swift", dir.root + "/vercel-like.json"]))
    }

    @Test func aBuildRewritesOnlyWhatChangedAndNamesEachNewLibrary() throws {
        let dir = try TempProject()
        defer { dir.remove() }
        let builder = try AppLibraryBuilder(binary: dir.binary)
        let compiler = FakeToolchain(builder: builder)

        // First build: a library, the route table and the entry point written, the sources listed.
        guard case .built(let first, true) = builder.build(run: compiler.run) else { Issue.record("first build failed"); return }
        #expect(first.hasSuffix("/app-1.so"))
        #expect(FileSystem.readText(builder.sourcesFile)?.contains("/Functions/hello/Hello.swift\n") == true)
        #expect(FileSystem.readText(builder.entryFile)?.contains("@_cdecl(\"edge_app_manifest\")") == true)
        let tableSignature = FileSystem.signature(builder.routeTable)

        // Same output: the same library, nothing new; the route table was not rewritten.
        guard case .built(let same, false) = builder.build(run: compiler.run) else { Issue.record("rebuild failed"); return }
        #expect(same == first)
        #expect(FileSystem.signature(builder.routeTable) == tableSignature)

        // An edited source loses its object (the compiler must rebuild it); a new file is listed.
        let hello = dir.root + "/Functions/hello/Hello.swift"
        _ = FileSystem.writeText(builder.objectPath(hello), "object")
        usleep(10_000)
        dir.write("Functions/hello/Hello.swift", "struct Hello {} // edited, longer")
        dir.write("Functions/bye/Bye.swift", "struct Bye {}")
        compiler.output = "library v2"
        guard case .built(let second, true) = builder.build(run: compiler.run) else { Issue.record("edit build failed"); return }
        #expect(second.hasSuffix("/app-2.so"))
        #expect(compiler.objectExistedAtCompile[hello] == false)
        #expect(FileSystem.readText(builder.sourcesFile)?.contains("/Functions/bye/Bye.swift\n") == true)
        #expect(compiler.routeGenSources.last?.contains(dir.root + "/Functions/bye/Bye.swift") == true)

        // A failed compile: its output, and the last library stays current.
        compiler.fail = "Functions/hello/Hello.swift:1:1: error: broken"
        guard case .failed(_, let output) = builder.build(run: compiler.run) else { Issue.record("expected a failure"); return }
        #expect(output.contains("error: broken"))
        #expect(builder.current == second)

        builder.removeOldLibraries()
        #expect(!FileSystem.exists(first) && FileSystem.exists(second))
    }
}

/// Sets a file's modification (and access) time.
func setTime(_ path: String, _ seconds: Int) {
    var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
    _ = utimensat(AT_FDCWD, path, &times, 0)
}

/// A project folder laid out as SwiftPM leaves it (`.build/debug` a link to the triple's folder), with
/// its manifest, a binary and one handler.
struct TempProject {
    let root: String
    /// The path `edge dev` is given (through the link).
    var binary: String { root + "/.build/debug/edge" }

    init() throws {
        var template = Array("/tmp/edge-applib-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpawnFailure() }
        root = String(cString: made)
        FileSystem.makeDirectories(root + "/.build/x86_64-unknown-linux-gnu/debug")
        _ = FileSystem.writeText(root + "/.build/debug.yaml", AppLibraryTests.manifest(root: root))
        symlink("x86_64-unknown-linux-gnu/debug", root + "/.build/debug")
        _ = FileSystem.writeText(binary, "binary")
        write("Functions/hello/Hello.swift", "struct Hello {}")
    }

    struct SpawnFailure: Error {}

    func write(_ relative: String, _ text: String) {
        let path = root + "/" + relative
        var parts = path.split(separator: "/")
        parts.removeLast()
        FileSystem.makeDirectories("/" + parts.joined(separator: "/"))
        _ = FileSystem.writeText(path, text)
    }

    func remove() { _ = shell("rm -rf '\(root)'") }
}

/// Stands in for RouteGen and swiftc: writes their outputs, records what it saw.
final class FakeToolchain: @unchecked Sendable {
    let builder: AppLibraryBuilder
    var output = "library v1"
    var fail: String?
    var objectExistedAtCompile: [String: Bool] = [:]
    var routeGenSources: [[String]] = []

    init(builder: AppLibraryBuilder) { self.builder = builder }

    func run(_ executable: String, _ arguments: [String]) -> (Subprocess.Termination, String)? {
        if executable.hasSuffix("RouteGen-tool") {
            routeGenSources.append(Array(arguments.dropFirst(4)))
            _ = FileSystem.writeText(arguments[3], "// table of \(arguments.count - 4) sources\n")
            return (.exited(0), "")
        }
        if let fail { return (.exited(1), fail) }
        for s in (FileSystem.readText(builder.sourcesFile) ?? "").split(separator: "\n") {
            objectExistedAtCompile[String(s)] = FileSystem.exists(builder.objectPath(String(s)))
        }
        let out = arguments[arguments.firstIndex(of: "-o")! + 1]
        _ = FileSystem.writeText(out, output)
        return (.exited(0), "")
    }
}
