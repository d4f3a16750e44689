import Testing
import Foundation
import RouteGenCore

/// Where new users stumble, each answered by one line that names the file and says what to do, printed
/// by the plugin before the compiler would point into generated code (golden text: the build prints it).
@Suite struct StumbleGuidanceTests {
    /// Scans `files` (relative to Functions/, with their text) as RouteGen does; every message.
    static func messages(_ files: [String: String]) -> [String] {
        let (routes, errors) = RouteScanner.scan(files: Array(files.keys))
        var sources: [String: String] = [:]
        for (rel, text) in files { sources["Functions/" + rel] = text }
        return errors.map(\.description) + HandlerSourceCheck.check(routes, sources: sources).map(\.description)
    }

    static let hello = """
    import EdgeRuntime

    struct Hello: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response { .text("hi") }
    }
    """

    @Test func aLowercaseVercelStyleFileSaysWhereItBelongs() {
        #expect(Self.messages(["api/bye.swift": "struct Bye: EdgeFunction {}"]) == [
            "Functions/api/bye.swift:1: error: 'bye.swift' is a Vercel-style file name, but here a folder is the route and its one file is named after its handler type: move it to Functions/api/bye/Bye.swift declaring `struct Bye: EdgeFunction`",
        ])
        #expect(Self.messages(["api/index.swift": ""]) == [
            "Functions/api/index.swift:1: error: 'index.swift' is a Vercel-style file name, but here a folder is the route and its one file is named after its handler type: move it to Functions/api/Index.swift declaring `struct Index: EdgeFunction`",
        ])
        #expect(Self.messages(["users/[id].swift": ""]) == [
            "Functions/users/[id].swift:1: error: '[id].swift' is a Vercel-style file name, but here a folder is the route and its one file is named after its handler type: move it to Functions/users/[id]/<Type>.swift, named after the handler type it declares",
        ])
        #expect(Self.messages(["get-user.swift": ""]) == [
            "Functions/get-user.swift:1: error: 'get-user.swift' is a Vercel-style file name, but here a folder is the route and its one file is named after its handler type: move it to Functions/get-user/GetUser.swift declaring `struct GetUser: EdgeFunction`",
        ])
    }

    /// Two Vercel-style files in one folder: each gets its own advice, not "two handler files".
    @Test func twoVercelStyleFilesInOneFolderEachGetTheirAdvice() {
        let m = Self.messages(["api/bye.swift": "", "api/hello.swift": ""])
        #expect(m.count == 2)
        #expect(m.allSatisfy { $0.contains("Vercel-style file name") })
    }

    @Test func twoHandlerFilesInOneFolderNameBothAndSayWhereSharedCodeGoes() {
        #expect(Self.messages(["hello/Hello.swift": Self.hello, "hello/Helper.swift": "struct Helper {}"]) == [
            "Functions/hello/Helper.swift: error: a route folder holds exactly one handler file, but Functions/hello/Hello.swift is in the same folder; move shared code to a '_'-prefixed folder",
        ])
    }

    @Test func aFileWhoseNameDoesNotMatchItsTypeSaysWhichToRename() {
        let source = "import EdgeRuntime\n\n/// Says hi.\nstruct Greeting: EdgeFunction {\n    func handle(_ request: Request, context: Context) async throws -> Response { .text(\"hi\") }\n}\n"
        #expect(Self.messages(["hello/Hello.swift": source]) == [
            "Functions/hello/Hello.swift:4: error: the handler file declares 'Greeting', not 'Hello': a handler file is named after its type; rename the type to 'Hello' or the file to 'Greeting.swift'",
        ])
        #expect(Self.messages(["hello/Hello.swift": "import EdgeRuntime\n// struct Hello: EdgeFunction\n"]) == [
            "Functions/hello/Hello.swift:1: error: no type named 'Hello' in its handler file: a handler file is named after its type; declare `struct Hello: EdgeFunction` in it, or move shared code to a '_'-prefixed folder",
        ])
    }

    @Test func aMissingConformanceSaysHowToDeclareIt() {
        let source = "import EdgeRuntime\n\nstruct Hello {\n    func handle(_ request: Request, context: Context) async throws -> Response { .text(\"hi\") }\n}\n"
        #expect(Self.messages(["hello/Hello.swift": source]) == [
            "Functions/hello/Hello.swift:3: error: 'Hello' is not an EdgeFunction: declare it `struct Hello: EdgeFunction` (with `func handle(_ request: Request, context: Context) async throws -> Response`)",
        ])
        #expect(Self.messages(["hello/Hello.swift": "final class Hello: @unchecked Sendable, Codable {}"]) == [
            "Functions/hello/Hello.swift:1: error: 'Hello' is not an EdgeFunction: declare it `class Hello: EdgeFunction` (with `func handle(_ request: Request, context: Context) async throws -> Response`)",
        ])
    }

    /// What must not be flagged: the ways a real handler declares itself.
    @Test(arguments: [
        "struct Hello: EdgeFunction {}",
        "struct Hello: Sendable, EdgeFunction {}",
        "public struct Hello: EdgeRuntime.EdgeFunction {}",
        "struct Hello {}\nextension Hello: EdgeFunction {}",
        "/* struct Hello {} */ struct Hello: EdgeFunction { let s = \"struct Hello {\" }",
        "struct Hello<T>: EdgeFunction where T: Sendable {}",
        "typealias Hello = Other",
        "final class Hello: SomeBaseHandler {}",  // declared outside the target: the compiler judges
        "protocol JSONHandler: EdgeFunction {}\nstruct Hello: JSONHandler {}",
        "enum Hello: EdgeFunction { class func f() {} }",
        "struct Hello: EdgeFunction { let x = #\"a \"quoted\" struct Bad {}\"# }",
    ])
    func validHandlersPass(source: String) {
        #expect(Self.messages(["hello/Hello.swift": source]) == [])
    }

    /// A handler type may live in another file of the target (a conformance in `_shared`, say).
    @Test func aTypeDeclaredElsewhereInTheTargetCounts() {
        #expect(Self.messages(["hello/Hello.swift": "extension Hello { static let x = 1 }",
                               "_shared/Types.swift": "struct Hello: EdgeFunction {}"]) == [])
    }

    /// Every handler in this repository's own Functions/ passes (no false alarm on the seed apps).
    @Test func theSeedAppsPass() throws {
        let root = String(#filePath.dropLast("Tests/RouteGenTests/StumbleGuidanceTests.swift".count)) + "Functions"
        let files = SourceTree.swiftFiles(under: root)
        try #require(files.count > 30)
        #expect(Self.messages(files) == [])
    }
}

/// The Swift files under a folder, keyed by path relative to it, with their text.
enum SourceTree {
    static func swiftFiles(under root: String) -> [String: String] {
        var out: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return out }
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".swift") else { continue }
            out[rel] = try? String(contentsOfFile: root + "/" + rel, encoding: .utf8)
        }
        return out
    }
}
