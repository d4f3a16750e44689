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
        .executable(name: "kv-conformance", targets: ["KVConformance"]),
        .executable(name: "kv-bench", targets: ["KVBench"]),
        .library(name: "EdgeRuntime", targets: ["EdgeRuntime"]),
        .library(name: "EdgeTesting", targets: ["EdgeTesting"]),
        // What another package builds on (Docs/Decisions/0023): the command line as a library, and the
        // plugin that turns its own Functions/ into a route table. `edge init` writes such a package.
        .library(name: "EdgeCLI", targets: ["EdgeCLI"]),
        .plugin(name: "RouteTablePlugin", targets: ["RouteTablePlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // Spans (request, KV commit, fetch) through the API; only EdgeOTel links an exporter (Docs/Decisions/0021).
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP over HTTP only: the gRPC trait would add grpc-swift and HTTP/2 to every build (Decisions/0021).
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        // Only KVPostgres imports this (Docs/Decisions/0019).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Only bench/codecs links these two (Docs/Decisions/0009 and 0010 say why the runtime does not).
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", from: "1.2.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        // MARK: The app: one folder per route, discovered by the plugin.
        .target(
            name: "Functions",
            dependencies: ["EdgeRuntime"],
            path: "Functions",
            exclude: ["README.md"],
            swiftSettings: strict,
            plugins: ["RouteTablePlugin"]
        ),

        // MARK: The one JSON value type (ordered objects, linear parser), below everything that speaks JSON.
        .target(name: "EdgeJSON", path: "Runtime/Sources/EdgeJSON", swiftSettings: strict),

        // MARK: Image decoding: stb_image as Debian keeps it (libstb-dev), behind a prefixed shim (Decisions/0015).
        .target(name: "CStbImage", path: "Runtime/Shims/CStbImage"),
        .target(name: "EdgeImage", dependencies: ["CStbImage"], path: "Runtime/Sources/EdgeImage", swiftSettings: strict),
        // Encoding, for test images only (EdgeTesting's TestImage).
        .target(name: "CStbImageWrite", path: "Runtime/Shims/CStbImageWrite"),

        // MARK: Metrics: counters in memory shared by every worker, behind swift-metrics (Decisions/0017).
        .target(name: "CEdgeAtomics", path: "Runtime/Shims/CEdgeAtomics"),
        .target(
            name: "EdgeMetrics",
            dependencies: ["CEdgeAtomics", .product(name: "CoreMetrics", package: "swift-metrics")],
            path: "Runtime/Sources/EdgeMetrics",
            swiftSettings: strict
        ),

        // MARK: sync_file_range(2) for StagedFile's early writeback (Glibc does not import it).
        .target(name: "CFileSync", path: "Runtime/Shims/CFileSync"),

        // MARK: The unsampled trace of the running request, shared by the server, fetch and the root sampler.
        .target(
            name: "EdgeTrace",
            dependencies: [.product(name: "Tracing", package: "swift-distributed-tracing")],
            path: "Runtime/Sources/EdgeTrace",
            swiftSettings: strict
        ),

        // MARK: What handlers import.
        .target(
            name: "EdgeRuntime",
            dependencies: [
                "EdgeJSON",
                "EdgeImage",
                "KV",
                "Fetch",
                "Cron",  // calendar math for WallClock's timestamps
                "EdgeMetrics",  // Context.traffic: the monitor summary reads the runtime's own figures
                "CFileSync",
                "EdgeTrace",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),  // SHA-256 for ConstantTime
                .product(name: "Tracing", package: "swift-distributed-tracing"),  // fetch spans, traceparent out
            ],
            path: "Runtime/Sources/EdgeRuntime",
            swiftSettings: strict
        ),

        // MARK: The HTTP engine glue, config phases, router.
        .target(
            name: "Server",
            dependencies: [
                "CProcess",
                "EdgeMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                "EdgeRuntime",
                "RouteGenCore",
                "Supervisor",
                "Cron",
                "KV",
                "EdgeTrace",
                "Fetch",  // external rewrites proxy through the process's client
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Runtime/Sources/Server",
            swiftSettings: strict
        ),

        // MARK: Trace export: swift-otel's OTLP/HTTP exporter, installed only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
        .target(
            name: "EdgeOTel",
            dependencies: [
                "EdgeTrace",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Runtime/Sources/EdgeOTel",
            swiftSettings: strict
        ),

        // MARK: What users' tests import: the in-process client, in-memory KV, a fake upstream.
        .target(
            name: "EdgeTesting",
            dependencies: [
                "EdgeRuntime", "Server", "KV", "CStbImageWrite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Runtime/Sources/EdgeTesting",
            swiftSettings: strict
        ),

        // MARK: KV: Deno KV semantics (no I/O) and the LMDB store.
        .target(name: "CLMDB", path: "Runtime/Shims/CLMDB", linkerSettings: [.linkedLibrary("lmdb")]),
        .target(name: "KV", dependencies: ["EdgeJSON", .product(name: "Tracing", package: "swift-distributed-tracing")], path: "Runtime/Sources/KV", swiftSettings: strict),
        .target(name: "KVLMDB", dependencies: ["KV", "CLMDB", .product(name: "CoreMetrics", package: "swift-metrics")], path: "Runtime/Sources/KVLMDB", swiftSettings: strict),
        // The fleet store: the same semantics on PostgreSQL (Docs/Decisions/0019). The only importer of postgres-nio.
        .target(
            name: "KVPostgres",
            dependencies: [
                "KV",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Runtime/Sources/KVPostgres",
            swiftSettings: strict
        ),
        .target(name: "KVTool", dependencies: ["EdgeJSON", "KV", "KVLMDB", "KVPostgres"], path: "Runtime/Sources/KVTool", swiftSettings: strict),
        .executableTarget(name: "KVConformance", dependencies: ["EdgeJSON", "KV", "KVLMDB", "KVPostgres"], path: "Runtime/Sources/KVConformance", swiftSettings: strict),

        // MARK: fetch on libcurl: one multi handle on its own thread.
        // libcurl is dlopen'ed on first use (see CCurl.c); its headers are still needed to build.
        .target(name: "CCurl", path: "Runtime/Shims/CCurl", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "Fetch", dependencies: ["CCurl", .product(name: "CoreMetrics", package: "swift-metrics")], path: "Runtime/Sources/Fetch", swiftSettings: strict),

        // MARK: Cron: expressions, pure next-fire math, the scheduler (no I/O of its own).
        .target(name: "Cron", path: "Runtime/Sources/Cron", swiftSettings: strict),

        // MARK: Worker processes: one listening socket, N workers, restarts (edge serve --workers N).
        .target(name: "CProcess", path: "Runtime/Shims/CProcess"),
        .target(
            name: "Supervisor",
            dependencies: [
                "CProcess",
                "EdgeMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Runtime/Sources/Supervisor",
            swiftSettings: strict
        ),

        // MARK: `edge dev`: watch, rebuild, swap servers without refusing a connection.
        .target(name: "DevServer", dependencies: ["EdgeJSON"], path: "Runtime/Sources/DevServer", swiftSettings: strict),

        // MARK: Build-time route discovery.
        .target(name: "RouteGenCore", dependencies: ["EdgeJSON"], path: "Runtime/Sources/RouteGenCore", swiftSettings: strict),
        .executableTarget(name: "RouteGen", dependencies: ["RouteGenCore", "Cron"], path: "Runtime/Sources/RouteGen", swiftSettings: strict),
        .plugin(name: "RouteTablePlugin", capability: .buildTool(), dependencies: ["RouteGen"], path: "Runtime/Plugins/RouteTablePlugin"),

        // MARK: The `edge` command line, as a library any app's executable calls with its route table.
        .target(
            name: "EdgeCLI",
            dependencies: [
                "Server", "EdgeRuntime", "EdgeJSON", "Cron", "KV", "KVLMDB", "KVPostgres", "KVTool", "DevServer", "Supervisor", "EdgeOTel",
                "RouteGenCore",  // SwiftLiteral for the manifests `edge init` writes
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Runtime/Sources/EdgeCLI",
            swiftSettings: strict
        ),

        // MARK: This repository's `edge` executable: EdgeCLI serving the seed apps in Functions/.
        .executableTarget(name: "CLI", dependencies: ["EdgeCLI", "Functions"], path: "Runtime/Sources/CLI", swiftSettings: strict),

        // MARK: Benchmarks (bench/*/run.sh drive them).
        .executableTarget(name: "KVBench", dependencies: ["KV", "KVLMDB", "KVPostgres"], path: "bench/kv/Sources/KVBench", swiftSettings: strict),
        .executableTarget(name: "FetchBench", dependencies: ["Fetch"], path: "bench/fetch/Sources/FetchBench", swiftSettings: strict),
        .executableTarget(name: "CronBench", dependencies: ["Cron"], path: "bench/cron/Sources/CronBench", swiftSettings: strict),
        .executableTarget(
            name: "CodecBench",
            dependencies: [
                "KV", "Cron", "EdgeRuntime", "Server",
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "bench/codecs/Sources/CodecBench",
            swiftSettings: strict
        ),

        // MARK: Tests.
        .testTarget(name: "RouteGenTests", dependencies: ["RouteGenCore"], path: "Tests/RouteGenTests", swiftSettings: strict),
        .testTarget(name: "EdgeJSONTests", dependencies: ["EdgeJSON"], path: "Tests/EdgeJSONTests", swiftSettings: strict),
        .testTarget(name: "KVTests", dependencies: ["KV"], path: "Tests/KVTests", swiftSettings: strict),
        .testTarget(name: "KVLMDBTests", dependencies: ["KV", "KVLMDB", "KVTool"], path: "Tests/KVLMDBTests", swiftSettings: strict),
        .testTarget(name: "KVPostgresTests", dependencies: ["KV", "KVPostgres", "EdgeTesting", "Server", "Cron"], path: "Tests/KVPostgresTests", swiftSettings: strict),
        .testTarget(name: "FetchTests", dependencies: ["Fetch"], path: "Tests/FetchTests", swiftSettings: strict),
        .testTarget(name: "CronTests", dependencies: ["Cron"], path: "Tests/CronTests", swiftSettings: strict),
        .testTarget(name: "ServerTests", dependencies: ["Server", "EdgeRuntime", "EdgeTrace", "EdgeTesting", "Cron", "KV", "KVLMDB", .product(name: "InMemoryTracing", package: "swift-distributed-tracing"), .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras")], path: "Tests/ServerTests", swiftSettings: strict),
        .testTarget(name: "VLMTests", dependencies: ["Functions", "EdgeRuntime", "EdgeTesting", "KV", "KVLMDB"], path: "Tests/VLMTests", swiftSettings: strict),
        .testTarget(name: "EdgeImageTests", dependencies: ["EdgeImage", "EdgeTesting"], path: "Tests/EdgeImageTests", swiftSettings: strict),
        .testTarget(name: "FunctionsTests", dependencies: ["Functions", "EdgeTesting"], path: "Tests/FunctionsTests", swiftSettings: strict),
        .testTarget(name: "ChatTests", dependencies: ["Functions", "EdgeTesting"], path: "Tests/ChatTests", swiftSettings: strict),
        .testTarget(name: "DevServerTests", dependencies: ["DevServer", "EdgeTesting"], path: "Tests/DevServerTests", swiftSettings: strict),
        .testTarget(name: "EdgeMetricsTests", dependencies: ["EdgeMetrics", .product(name: "CoreMetrics", package: "swift-metrics")], path: "Tests/EdgeMetricsTests", swiftSettings: strict),
        .testTarget(name: "EdgeOTelTests", dependencies: ["EdgeOTel", "EdgeTrace", .product(name: "OTel", package: "swift-otel"), .product(name: "Tracing", package: "swift-distributed-tracing")], path: "Tests/EdgeOTelTests", swiftSettings: strict),
        .testTarget(name: "IntegrationTests", dependencies: ["EdgeTesting"], path: "Tests/IntegrationTests", swiftSettings: strict),
    ]
)
