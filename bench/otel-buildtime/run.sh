#!/usr/bin/env bash
# bench/otel-buildtime/run.sh: what swift-otel (OTLP/HTTP trait only) adds to a clean debug build.
#
# Builds two throw-away packages from scratch in a temporary directory, one after the other, and prints
# each wall time and the load average around it:
#   base: one target importing what swift-edge already builds and swift-otel also needs (swift-nio,
#         nio-ssl, nio-http2, nio-extras, service-lifecycle, metrics, log, collections, atomics,
#         async-algorithms, with the same versions as Package.swift);
#   otel: the same plus swift-otel 1.6.0 with traits ["OTLPHTTP"] (which pulls swift-distributed-tracing,
#         swift-protobuf, async-http-client, swift-configuration, swift-w3c-trace-context).
# otel - base is swift-otel's added clean build time. Same resolution as the project (the local mirror).
# On a shared machine the figure moves with the load: compare runs only with the load printed beside them.
#
# Usage: bench/otel-buildtime/run.sh [--grpc]   (--grpc: the default traits, gRPC too, for comparison)
set -euo pipefail
TRAITS='traits: ["OTLPHTTP"]'
[[ "${1:-}" == "--grpc" ]] && TRAITS='traits: ["OTLPHTTP", "OTLPGRPC"]'
WORK="$(mktemp -d /tmp/edge-otel-buildtime-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

common_deps='
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),'
common_products='
            .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"), .product(name: "NIOExtras", package: "swift-nio-extras"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Logging", package: "swift-log"), .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Atomics", package: "swift-atomics"), .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),'

make_pkg() {  # make_pkg DIR EXTRA_DEP EXTRA_PRODUCT IMPORT
  mkdir -p "$1/Sources/Probe"
  cat >"$1/Package.swift" <<SWIFT
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "probe",
    platforms: [.macOS(.v15)],
    dependencies: [$common_deps
        $2
    ],
    targets: [.executableTarget(name: "Probe", dependencies: [$common_products
        $3
    ])]
)
SWIFT
  cat >"$1/Sources/Probe/main.swift" <<SWIFT
import NIOPosix
import NIOSSL
import NIOHTTP2
import NIOExtras
import ServiceLifecycle
$4
print("probe")
SWIFT
}

make_pkg "$WORK/base" "" "" ""
make_pkg "$WORK/otel" ".package(url: \"https://github.com/swift-otel/swift-otel.git\", from: \"1.6.0\", $TRAITS)," \
  '.product(name: "OTel", package: "swift-otel"),' "import OTel"

timed() {  # timed NAME DIR
  (cd "$2" && swift package resolve >/dev/null 2>&1)
  local load0 start end
  load0="$(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s)
  (cd "$2" && swift build >"$WORK/$1.log" 2>&1) || { tail -30 "$WORK/$1.log"; exit 1; }
  end=$(date +%s)
  echo "$1: $((end - start)) s clean debug build (load before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo $((end - start)) >"$WORK/$1.s"
}
timed base "$WORK/base"
timed otel "$WORK/otel"
echo "swift-otel ($TRAITS) adds $(( $(cat "$WORK/otel.s") - $(cat "$WORK/base.s") )) s to a clean debug build"
