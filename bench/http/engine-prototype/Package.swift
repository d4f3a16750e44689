// swift-tools-version:6.1
// bench/http/engine-prototype: what an HTTP/1 engine of our own would buy over SwiftNIO (issue 21 item 2's
// "long run"; Docs/Decisions/0031). Two hello servers, each answering GET /hello with "Hello, world!":
//   EpollHello: one epoll loop per thread on raw sockets, its own HTTP/1.1 head parser and pre-encoded answers;
//               HANDLER=task runs each request as a Swift task on the loop (a task executor of its own), as edge
//               runs handlers.
//   NIOHello:   SwiftNIO's event loop with NIO's own request parser (the one edge uses) and a pre-encoded
//               answer: the floor of anything built on NIO's channel pipeline.
// Both read HOST and PORT (0: any free port) and LOOPS (threads; default 1) and print one line
// {"url":"http://HOST:PORT"} when listening, so bench/http/callgrind.sh --edge-bin can measure them.
import PackageDescription

let package = Package(
    name: "engine-prototype",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(name: "CEngineShim", path: "Sources/CEngineShim"),
        .executableTarget(name: "EpollHello", dependencies: ["CEngineShim"], path: "Sources/EpollHello"),
        .executableTarget(
            name: "NIOHello",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/NIOHello"
        ),
    ]
)
