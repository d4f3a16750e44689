import EdgeTesting
import Foundation
import Testing

/// `edge init` through the real binary: the files it writes, the manifest in both dependency forms
/// (golden), and that bad input changes nothing. Building the project it writes is
/// `Tests/support/init-check.sh` (the last step of `make test`).
@Suite struct InitCommandTests {
    static let baseFiles = [
        ".env.example", ".gitignore", "Dockerfile", "Functions", "Functions/hello", "Functions/hello/Hello.swift", "Makefile",
        "Package.swift", "README.md", "Sources", "Sources/AppMain", "Sources/AppMain/main.swift", "Tests", "Tests/AppTests",
        "Tests/AppTests/HelloTests.swift", "vercel-like.json",
    ]

    /// The manifest by URL and version, as a user gets it (this URL cannot resolve here: swift packages
    /// resolve only from the local mirror, so the text is the check).
    static let publishedManifest = """
    // swift-tools-version:6.1
    // A swift-edge project: one folder per route under Functions/ (see README.md).
    import PackageDescription

    let package = Package(
        name: "my-site",
        platforms: [.macOS(.v15)],
        products: [
            // The `edge` command line serving this project's Functions/: app serve | dev | routes | cron | kv.
            .executable(name: "app", targets: ["AppMain"]),
        ],
        dependencies: [
            .package(url: "https://github.com/swift-edge/swift-edge.git", from: "0.1.0"),
        ],
        targets: [
            // Every folder under Functions/ with one Swift file in it is a route; RouteTablePlugin finds them.
            .target(
                name: "App",
                dependencies: [.product(name: "EdgeRuntime", package: "swift-edge")],
                path: "Functions",
                plugins: [.plugin(name: "RouteTablePlugin", package: "swift-edge")]
            ),
            .executableTarget(
                name: "AppMain",
                dependencies: ["App", .product(name: "EdgeCLI", package: "swift-edge")],
                path: "Sources/AppMain"
            ),
            .testTarget(
                name: "AppTests",
                dependencies: ["App", .product(name: "EdgeTesting", package: "swift-edge")],
                path: "Tests/AppTests"
            ),
        ]
    )

    """

    @Test func initWritesTheProjectDependingOnThePublishedVersion() throws {
        let dir = try TemporaryDirectory(prefix: "edge-init")
        let r = try EdgeCLI.run(["init", "my-site"], in: dir.path)
        #expect(r.status == 0, "\(r.err)")
        #expect(EdgeCLI.listing(dir.file("my-site")) == Self.baseFiles)
        #expect(try String(contentsOfFile: dir.file("my-site/Package.swift"), encoding: .utf8) == Self.publishedManifest)
        #expect(r.out.contains("make dev"))
        let readme = try String(contentsOfFile: dir.file("my-site/README.md"), encoding: .utf8)
        #expect(readme.hasPrefix("# my-site\n\n```sh\nmake dev "))
        let dockerfile = try String(contentsOfFile: dir.file("my-site/Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("GET /__edge/ready"))
        let makefile = try String(contentsOfFile: dir.file("my-site/Makefile"), encoding: .utf8)
        #expect(makefile.contains("\ndev: deps\n\t") && makefile.contains("\ntest: deps\n\t"), "recipes must start with a tab")
    }

    @Test func edgePathDependsOnTheCheckoutByPath() throws {
        let dir = try TemporaryDirectory(prefix: "edge-init")
        let checkout = dir.file("Swift-Edge-Checkout")
        try FileManager.default.createDirectory(atPath: checkout, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: checkout + "/Package.swift", contents: Data())
        let r = try EdgeCLI.run(["init", "p", "--edge-path", "Swift-Edge-Checkout/"], in: dir.path)
        #expect(r.status == 0, "\(r.err)")
        let manifest = try String(contentsOfFile: dir.file("p/Package.swift"), encoding: .utf8)
        let expected = Self.publishedManifest
            .replacingOccurrences(of: #"name: "my-site""#, with: #"name: "p""#)
            .replacingOccurrences(of: #".package(url: "https://github.com/swift-edge/swift-edge.git", from: "0.1.0")"#,
                                  with: ".package(path: \"\(checkout)\")")
            .replacingOccurrences(of: #"package: "swift-edge""#, with: #"package: "swift-edge-checkout""#)
        #expect(manifest == expected)
    }

    @Test func templatesAddTheirExamples() throws {
        let dir = try TemporaryDirectory(prefix: "edge-init")
        let r = try EdgeCLI.run(["init", "p", "--template", "sse", "--template", "cron", "--template", "kv"], in: dir.path)
        #expect(r.status == 0, "\(r.err)")
        let files = Set(EdgeCLI.listing(dir.file("p")))
        for f in ["Functions/counter/Counter.swift", "Tests/AppTests/CounterTests.swift", "Functions/cron/tick/Tick.swift",
                  "Tests/AppTests/TickTests.swift", "Functions/events/Events.swift", "Tests/AppTests/EventsTests.swift"] {
            #expect(files.contains(f), "\(f) missing")
        }
        #expect(try String(contentsOfFile: dir.file("p/vercel-like.json"), encoding: .utf8) == """
        {
          "crons": [
            { "path": "/cron/tick", "schedule": "* * * * *" }
          ],
          "functions": {
            "Functions/**": { "maxDuration": 30 }
          }
        }

        """)
    }

    /// Bad input: a clear message and status, and nothing written.
    @Test func badInputChangesNothing() throws {
        let dir = try TemporaryDirectory(prefix: "edge-init")
        try FileManager.default.createDirectory(atPath: dir.file("taken"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.file("taken/notes.txt"), contents: Data("mine".utf8))

        let taken = try EdgeCLI.run(["init", "taken"], in: dir.path)
        #expect(taken.status == 1)
        #expect(taken.err.contains("already exists and is not empty"), "\(taken.err)")
        #expect(EdgeCLI.listing(dir.file("taken")) == ["notes.txt"])

        let template = try EdgeCLI.run(["init", "a", "--template", "graphql"], in: dir.path)
        #expect(template.status == 2)
        #expect(template.err.contains("unknown template 'graphql': use kv, cron, sse"), "\(template.err)")

        let path = try EdgeCLI.run(["init", "b", "--edge-path", "/nonexistent/swift-edge"], in: dir.path)
        #expect(path.status == 1)
        #expect(path.err.contains("--edge-path /nonexistent/swift-edge: no Package.swift there"), "\(path.err)")

        let none = try EdgeCLI.run(["init"], in: dir.path)
        #expect(none.status == 2)
        #expect(EdgeCLI.listing(dir.path) == ["taken", "taken/notes.txt"])
    }
}
