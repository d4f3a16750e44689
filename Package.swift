// swift-tools-version:6.1
// swift-edge: a self-hosted edge-function runtime. One manifest, no file-system scanning here:
// the `Functions/` tree is discovered by the RouteTablePlugin at build time.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-edge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edge", targets: ["CLI"]),
        .library(name: "EdgeRuntime", targets: ["EdgeRuntime"]),
    ],
    dependencies: [
        // HummingbirdCore only (no router, no Foundation-heavy traits): our own router sits on it.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: The app: one folder per route, discovered by the plugin.
        .target(
            name: "Functions",
            dependencies: ["EdgeRuntime"],
            path: "Functions",
            exclude: ["README.md"],
            plugins: ["RouteTablePlugin"]
        ),

        // MARK: What handlers import.
        .target(
            name: "EdgeRuntime",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Runtime/Sources/EdgeRuntime",
            swiftSettings: strict
        ),

        // MARK: The HTTP engine glue, config phases, router.
        .target(
            name: "Server",
            dependencies: [
                "EdgeRuntime",
                "RouteGenCore",
                "Cron",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Runtime/Sources/Server",
            swiftSettings: strict
        ),

        // MARK: Cron: expressions, pure next-fire math, the scheduler (no I/O of its own).
        .target(name: "Cron", path: "Runtime/Sources/Cron", swiftSettings: strict),

        // MARK: Build-time route discovery.
        .target(name: "RouteGenCore", path: "Runtime/Sources/RouteGenCore", swiftSettings: strict),
        .executableTarget(name: "RouteGen", dependencies: ["RouteGenCore", "Cron"], path: "Runtime/Sources/RouteGen"),
        .plugin(name: "RouteTablePlugin", capability: .buildTool(), dependencies: ["RouteGen"], path: "Runtime/Plugins/RouteTablePlugin"),

        // MARK: The `edge` executable.
        .executableTarget(
            name: "CLI",
            dependencies: [
                "Server", "Functions", "EdgeRuntime", "Cron",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Runtime/Sources/CLI",
            swiftSettings: strict
        ),

        // MARK: Benchmarks (bench/*/run.sh drive them).
        .executableTarget(name: "CronBench", dependencies: ["Cron"], path: "bench/cron/Sources/CronBench"),

        // MARK: Tests.
        .testTarget(name: "RouteGenTests", dependencies: ["RouteGenCore"], path: "Tests/RouteGenTests"),
        .testTarget(name: "CronTests", dependencies: ["Cron"], path: "Tests/CronTests"),
        .testTarget(name: "ServerTests", dependencies: ["Server", "EdgeRuntime"], path: "Tests/ServerTests"),
        .testTarget(name: "IntegrationTests", dependencies: [], path: "Tests/IntegrationTests"),
    ]
)
