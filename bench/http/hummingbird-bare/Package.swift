// swift-tools-version:6.1
// bench/http/hummingbird-bare: the "bare Hummingbird 2" peer of bench/http/run.sh.
// One route, GET /hello -> "Hello, world!", on the stock Router, no middleware, no logging per request.
// (The folder is not called "hummingbird": SwiftPM names a root package after its folder, and a root
// called "hummingbird" would shadow the dependency of the same identity.)
// Hummingbird 2.28.1 with traits: [] (what the runtime used before Docs/Decisions/0005), on the same
// swift-nio version as the runtime, so the ratio compares the HTTP layers.
import PackageDescription

let package = Package(
    name: "hello-hummingbird",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
    ],
    targets: [
        .executableTarget(
            name: "HelloHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Sources/HelloHummingbird"
        ),
    ]
)
