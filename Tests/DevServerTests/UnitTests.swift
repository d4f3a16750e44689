import Testing
@testable import DevServer

/// A manual clock instant for the debouncer.
struct FakeInstant: InstantProtocol {
    var ms: Int64
    func advanced(by d: Duration) -> FakeInstant { FakeInstant(ms: ms + d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000) }
    func duration(to other: FakeInstant) -> Duration { .milliseconds(other.ms - ms) }
    static func < (a: FakeInstant, b: FakeInstant) -> Bool { a.ms < b.ms }
}

@Suite("debouncer")
struct DebouncerTests {
    @Test func aBurstFiresOnceAfterTheQuietPeriod() {
        var d = Debouncer<FakeInstant>(quiet: .milliseconds(150), maxDelay: .seconds(1))
        #expect(!d.isPending)
        do { let fired = d.fire(at: FakeInstant(ms: 0)); #expect(!fired) }
        // An editor's save: several events within a few ms.
        for t: Int64 in [0, 2, 5, 9] { d.record(at: FakeInstant(ms: t)) }
        #expect(d.deadline == FakeInstant(ms: 159))
        do { let fired = d.fire(at: FakeInstant(ms: 100)); #expect(!fired) }
        do { let fired = d.fire(at: FakeInstant(ms: 158)); #expect(!fired) }
        do { let fired = d.fire(at: FakeInstant(ms: 159)); #expect(fired) }
        #expect(!d.isPending)
        do { let fired = d.fire(at: FakeInstant(ms: 500)); #expect(!fired) }
    }

    @Test func eachEventPostponesTheDeadline() {
        var d = Debouncer<FakeInstant>(quiet: .milliseconds(150), maxDelay: .seconds(5))
        d.record(at: FakeInstant(ms: 0))
        d.record(at: FakeInstant(ms: 140))
        do { let fired = d.fire(at: FakeInstant(ms: 200)); #expect(!fired) }
        do { let fired = d.fire(at: FakeInstant(ms: 290)); #expect(fired) }
    }

    @Test func aContinuousStreamStillFiresAtMaxDelay() {
        var d = Debouncer<FakeInstant>(quiet: .milliseconds(150), maxDelay: .seconds(1))
        var fired: [Int64] = []
        for t in stride(from: Int64(0), through: 2500, by: 50) {
            d.record(at: FakeInstant(ms: t))
            if d.fire(at: FakeInstant(ms: t)) { fired.append(t) }
        }
        #expect(fired == [1000, 2050])
    }

    @Test func separateBurstsFireSeparately() {
        var d = Debouncer<FakeInstant>(quiet: .milliseconds(150))
        d.record(at: FakeInstant(ms: 0))
        do { let fired = d.fire(at: FakeInstant(ms: 150)); #expect(fired) }
        d.record(at: FakeInstant(ms: 1000))
        #expect(d.deadline == FakeInstant(ms: 1150))
        do { let fired = d.fire(at: FakeInstant(ms: 1200)); #expect(fired) }
    }

    @Test func changeSetsMergeAndSummarise() {
        var c = ChangeSet(sources: ["Functions/hello/Hello.swift"])
        c.formUnion(ChangeSet(environmentFiles: [".env.local"]))
        #expect(c.needsBuild)
        #expect(c.summary == "Functions/hello/Hello.swift, .env.local")
        let env = ChangeSet(environmentFiles: [".env"])
        #expect(!env.needsBuild)
        let many = ChangeSet(sources: ["a", "b", "c", "d"])
        #expect(many.summary == "a, b and 2 more")
    }

    @Test func editorScratchFilesAreIgnored() {
        #expect(FileWatcher.isScratchFile(".Hello.swift.swp"))
        #expect(FileWatcher.isScratchFile("Hello.swift~"))
        #expect(FileWatcher.isScratchFile("4913"))
        #expect(!FileWatcher.isScratchFile("Hello.swift"))
    }
}

@Suite("build error extraction")
struct BuildErrorTests {
    /// What `swift build` (Swift 6.3) prints for a type error in a handler.
    static let typeError = """
    Building for debugging...
    [0/4] Write sources
    [1/4] Write swift-version--58304C5D6DBC2206.txt
    /tmp/proj/Functions/hello/Hello.swift:8:9: error: cannot find 'nope' in scope
     6 |
     7 |     func handle(_ request: Request, context: Context) async throws -> Response {
     8 |         nope
       |         `- error: cannot find 'nope' in scope
     9 |         .text("Hello, world!")
    10 |     }
    [3/6] Compiling Functions Hello.swift
    /tmp/proj/Functions/hello/Hello.swift:8:9: error: cannot find 'nope' in scope
     6 |
     7 |     func handle(_ request: Request, context: Context) async throws -> Response {
     8 |         nope
       |         `- error: cannot find 'nope' in scope
     9 |         .text("Hello, world!")
    10 |     }
    /tmp/proj/Functions/hello/Hello.swift:3:8: warning: unused variable
    error: emit-module command failed with exit code 1 (use -v to see invocation)
    error: fatalError
    """

    @Test func locatedErrorsOnceWithRelativePathsAndSnippet() {
        let d = BuildErrors.extract(from: Self.typeError, projectDirectory: "/tmp/proj")
        #expect(d.count == 1)
        #expect(d.first?.file == "Functions/hello/Hello.swift")
        #expect(d.first?.line == 8)
        #expect(d.first?.column == 9)
        #expect(d.first?.message == "cannot find 'nope' in scope")
        #expect(d.first?.location == "Functions/hello/Hello.swift:8:9")
        #expect(d.first?.snippet.count == 6)
        #expect(d.first?.snippet.contains { $0.contains("`- error:") } == true)
    }

    @Test func severalErrorsKeepTheirOrder() {
        let out = """
        /p/Functions/a/A.swift:1:1: error: first
        /p/Functions/b/B.swift:2:5: error: second
        /p/Functions/a/A.swift:1:1: error: first
        /p/Functions/a/A.swift:1:1: error: different message
        """
        let d = BuildErrors.extract(from: out, projectDirectory: "/p/")
        #expect(d.map(\.message) == ["first", "second", "different message"])
        #expect(d.map(\.location) == ["Functions/a/A.swift:1:1", "Functions/b/B.swift:2:5", "Functions/a/A.swift:1:1"])
    }

    @Test func pluginAndLinkerErrorsWithoutLocation() {
        let out = """
        error: RouteGen: two folders map to /users/:id: Functions/users/[id] and Functions/users/[slug]
        ld.lld: error: undefined symbol: $s9Functions5HelloV
        clang: error: linker command failed with exit code 1 (use -v to see invocation)
        error: link command failed with exit code 1 (use -v to see invocation)
        error: RouteGen: two folders map to /users/:id: Functions/users/[id] and Functions/users/[slug]
        """
        let d = BuildErrors.extract(from: out)
        #expect(d.map(\.message) == [
            "RouteGen: two folders map to /users/:id: Functions/users/[id] and Functions/users/[slug]",
            "ld.lld: undefined symbol: $s9Functions5HelloV",
        ])
        #expect(d.allSatisfy { $0.file == nil })
    }

    @Test func ansiColoursAreStripped() {
        let out = "\u{1B}[1m/p/F.swift:3:4: \u{1B}[31merror: \u{1B}[0m\u{1B}[1mbad thing\u{1B}[0m"
        let d = BuildErrors.extract(from: out, projectDirectory: "/p")
        #expect(d == [BuildDiagnostic(file: "F.swift", line: 3, column: 4, message: "bad thing")])
    }

    @Test func aSuccessfulBuildHasNoErrors() {
        let out = "Building for debugging...\n[5/5] Linking edge\nBuild of product 'edge' complete! (1.80s)\n"
        #expect(BuildErrors.extract(from: out).isEmpty)
        #expect(BuildErrors.extract(from: "/p/A.swift:1:2: warning: meh\n").isEmpty)
    }

    @Test func renderingIsReadableWithAndWithoutColour() {
        let d = BuildErrors.extract(from: Self.typeError, projectDirectory: "/tmp/proj")
        let plain = BuildErrors.render(d, color: false)
        #expect(plain.hasPrefix("  Functions/hello/Hello.swift:8:9: error: cannot find 'nope' in scope"))
        #expect(!plain.contains("\u{1B}"))
        let coloured = BuildErrors.render(d, color: true)
        #expect(coloured.contains("\u{1B}[31merror:\u{1B}[0m"))
        let many = (1...20).map { (i: Int) in BuildDiagnostic(file: "F.swift", line: i, message: "e\(i)") }
        #expect(BuildErrors.render(many, color: false, limit: 12).hasSuffix("… and 8 more errors"))
    }
}

@Suite("route table diff and child output")
struct RouteDiffTests {
    static let before = """
    METHODS  PATTERN      FILE                               LIMITS
    GET      /hello       Functions/hello/Hello.swift        maxDuration=300s maxBody=4500000B
    ALL      /healthz     Functions/(vlm)/healthz/Healthz.swift  maxDuration=300s maxBody=4500000B
    """
    static let after = """
    METHODS  PATTERN           FILE                                    LIMITS
    GET      /hello            Functions/hello/Hello.swift             maxDuration=300s maxBody=4500000B
    GET      /brand-new-route  Functions/brand-new-route/New.swift     maxDuration=300s maxBody=4500000B
    """

    @Test func addedAndRemovedRowsIgnoringPadding() {
        let d = RouteDiff(old: Self.before, new: Self.after)
        #expect(d.added.count == 1)
        #expect(d.added.first?.contains("/brand-new-route") == true)
        #expect(d.removed.count == 1)
        #expect(d.removed.first?.contains("/healthz") == true)
        #expect(RouteDiff(old: Self.before, new: Self.before).isEmpty)
    }

    @Test func renderMarksRows() {
        let text = RouteDiff.render(old: Self.before, new: Self.after, color: false)
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("+ ") && $0.contains("/brand-new-route") })
        #expect(lines.contains { $0.hasPrefix("- ") && $0.contains("/healthz") })
        #expect(lines.contains { $0.hasPrefix("  ") && $0.contains("/hello") })
    }

    @Test func listeningLineInBothLogFormats() {
        #expect(ChildServer.listeningPort(in: #"{"level":"info","msg":"listening","routes":4,"ts":"x","url":"http://127.0.0.1:40123"}"#) == 40123)
        #expect(ChildServer.listeningPort(in: "2026-11-25T10:00:00.000Z INFO listening routes=4 url=http://127.0.0.1:5555") == 5555)
        #expect(ChildServer.listeningPort(in: "INFO request path=/listening url=http://x") == nil)
        #expect(ChildServer.listeningPort(in: "INFO GET /hello 200") == nil)
    }
}

@Suite("supervisor settings")
struct SupervisorSettingsTests {
    @Test func buildEnvironmentDropsServerOnlyVariables() {
        let env = ["PATH": "/usr/bin", "HOME": "/root", "PORT": "8000", "HOST": "0.0.0.0", "LOG_FORMAT": "pretty", "MAKELEVEL": "1", "_": "/usr/bin/make"]
        let s = DevSupervisor(options: DevOptions(projectDirectory: "/tmp", processEnvironment: env))
        #expect(s.buildEnvironment == ["PATH": "/usr/bin", "HOME": "/root", "MAKELEVEL": "1", "_": "/usr/bin/make"])
    }

    @Test func buildEnvironmentLooksLikeTheShellsOwnSwiftBuild() {
        let env = ["PATH": "/bin:/usr/bin", "PWD": "/elsewhere"]
        var options = DevOptions(projectDirectory: "/work/p", processEnvironment: env)
        options.swift = "sh"
        let s = DevSupervisor(options: options)
        #expect(s.buildEnvironment["_"] == "/bin/sh")
        #expect(s.buildEnvironment["PWD"] == "/work/p")
    }

    @Test func childEnvironmentPinsTheServerToAnEphemeralLoopbackPort() {
        let s = DevSupervisor(options: DevOptions(projectDirectory: "/tmp", processEnvironment: [:]))
        var session = DevSupervisor.Session()
        session.environment = ["PORT": "3000", "A": "1"]
        let env = s.childEnvironment(session)
        #expect(env["PORT"] == "0")
        #expect(env["HOST"] == "127.0.0.1")
        #expect(env["LOG_FORMAT"] == "pretty")
        #expect(env["A"] == "1")
        session.environment["LOG_FORMAT"] = "json"
        #expect(s.childEnvironment(session)["LOG_FORMAT"] == "json")
    }
}
