/// The files `edge init` writes, as text. ``files(name:dependency:)`` is the base project; each
/// ``Example`` adds a worked example (`--template kv|cron|sse`).
///
/// The project's targets are `App` (its `Functions/` folder, routes found by `RouteTablePlugin`),
/// `AppMain` (the executable product `app`: the whole `edge` command line serving `App`) and `AppTests`.
/// They are not named `Functions` and `edge` because target names must be unique across a package graph
/// and swift-edge's own seed apps are the `Functions` target of its `edge` product (Docs/Decisions/0023).
public enum ProjectTemplate {
    /// The executable product of a generated project: `swift build --product app`, `.build/debug/app`.
    public static let product = "app"

    /// The project: `path` relative to the project folder, and its text; the base files, then each example's.
    public static func files(name: String, dependency: ProjectDependency, examples: [ProjectExample] = []) -> [(path: String, text: String)] {
        let examples = ProjectExample.allCases.filter(examples.contains)
        var files: [(path: String, text: String)] = [
            ("Package.swift", packageManifest(name: name, dependency: dependency)),
            ("Sources/AppMain/main.swift", mainSwift),
            ("Functions/hello/Hello.swift", helloSwift),
            ("Tests/AppTests/HelloTests.swift", helloTests),
            ("vercel-like.json", vercelLikeJSON(crons: examples.compactMap(\.cronEntry))),
            (".env.example", envExample),
            ("Dockerfile", dockerfile),
            (".gitignore", gitignore),
            ("Makefile", makefile),
            ("README.md", readme(name: name)),
        ]
        for example in examples { files += example.files }
        return files
    }

    static func packageManifest(name: String, dependency: ProjectDependency) -> String {
        let edge = ProjectDependency.literal(dependency.identity)
        return """
        // swift-tools-version:6.1
        // A swift-edge project: one folder per route under Functions/ (see README.md).
        import PackageDescription

        let package = Package(
            name: \(ProjectDependency.literal(name)),
            platforms: [.macOS(.v15)],
            products: [
                // The `edge` command line serving this project's Functions/: app serve | dev | routes | cron | kv.
                .executable(name: "app", targets: ["AppMain"]),
            ],
            dependencies: [
                \(dependency.manifestLine),
            ],
            targets: [
                // Every folder under Functions/ with one Swift file in it is a route; RouteTablePlugin finds them.
                .target(
                    name: "App",
                    dependencies: [.product(name: "EdgeRuntime", package: \(edge))],
                    path: "Functions",
                    plugins: [.plugin(name: "RouteTablePlugin", package: \(edge))]
                ),
                .executableTarget(
                    name: "AppMain",
                    dependencies: ["App", .product(name: "EdgeCLI", package: \(edge))],
                    path: "Sources/AppMain"
                ),
                .testTarget(
                    name: "AppTests",
                    dependencies: ["App", .product(name: "EdgeTesting", package: \(edge))],
                    path: "Tests/AppTests"
                ),
            ]
        )

        """
    }

    static let mainSwift = """
    // The `app` executable: swift-edge's command line (serve, dev, routes, cron, kv) serving Functions/.
    import App
    import EdgeCLI

    await EdgeMain.run(ServedApp(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps, product: "app"))

    """

    static let helloSwift = """
    import EdgeRuntime

    /// `GET /hello`: a folder is a route, and its one file is named after its handler type.
    struct Hello: EdgeFunction {
        static let methods: HTTPMethods = [.get]

        func handle(_ request: Request, context: Context) async throws -> Response {
            .text("Hello, world!")
        }
    }

    """

    static let helloTests = """
    import App
    import EdgeTesting
    import Testing

    /// Through the router, no socket: the same route table `app serve` mounts, over an in-memory KV.
    @Test func helloAnswers() async throws {
        let client = try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps)
        let response = await client.send(.get, "/hello")
        #expect(response.status == 200)
        #expect(response.text == "Hello, world!")
    }

    @Test func helloAnswersGETOnly() async throws {
        let client = try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps)
        #expect(await client.send(.post, "/hello").status == 405)
    }

    """

    static func vercelLikeJSON(crons: [String]) -> String {
        let cronLines = crons.isEmpty ? "" : "  \"crons\": [\n" + crons.map { "    " + $0 }.joined(separator: ",\n") + "\n  ],\n"
        return "{\n" + cronLines + """
          "functions": {
            "Functions/**": { "maxDuration": 30 }
          }
        }

        """
    }

    static let envExample = """
    # Copy to .env (or .env.local, never committed) and edit. The shell environment wins over every file.
    PORT=8000
    # LOG_LEVEL=info
    # LOG_FORMAT=pretty
    # KV_PATH=.data/kv
    # CRON_SECRET=change-me

    """

    static let dockerfile = """
    # syntax=docker/dockerfile:1
    #   docker build -t app .
    #   docker run -p 8000:8000 -v app-data:/data app
    ARG SWIFT_IMAGE=swift:6.3.1-bookworm
    ARG RUNTIME_IMAGE=debian:bookworm-slim

    FROM ${SWIFT_IMAGE} AS build
    RUN export DEBIAN_FRONTEND=noninteractive \\
     && apt-get update -q \\
     && apt-get install -y -q --no-install-recommends liblmdb-dev libcurl4-openssl-dev libstb-dev \\
     && rm -rf /var/lib/apt/lists/*
    WORKDIR /src
    COPY . .
    RUN swift build -c release --static-swift-stdlib --product app \\
     && mkdir -p /staging \\
     && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/app" /staging/edge \\
     && strip --strip-debug /staging/edge \\
     && cp vercel-like.json /staging/

    FROM ${RUNTIME_IMAGE}
    RUN export DEBIAN_FRONTEND=noninteractive \\
     && apt-get update -q \\
     && apt-get install -y -q --no-install-recommends liblmdb0 libcurl4 ca-certificates tzdata \\
     && rm -rf /var/lib/apt/lists/* \\
     && mkdir -p /data && chown 10001:10001 /data
    COPY --from=build /staging/vercel-like.json /app/vercel-like.json
    COPY --from=build /staging/edge /usr/local/bin/edge
    WORKDIR /app
    ENV PORT=8000
    ENV HOST=0.0.0.0
    ENV KV_PATH=/data/kv
    ENV EDGE_CONFIG=/app/vercel-like.json
    ENV LOG_FORMAT=json
    VOLUME ["/data"]
    USER 10001:10001
    EXPOSE 8000
    # GET /__edge/ready: the runtime's own readiness (serving, KV answering), whatever the routes; bash's
    # /dev/tcp does the request, so the image needs no curl.
    HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8000} && printf 'GET /__edge/ready HTTP/1.1\\\\r\\\\nHost: localhost\\\\r\\\\nConnection: close\\\\r\\\\n\\\\r\\\\n' >&3 && read -r -t 3 status <&3 && case $status in 'HTTP/1.'?' 200'*) exit 0;; *) exit 1;; esac"]
    STOPSIGNAL SIGTERM
    ENTRYPOINT ["edge"]
    CMD ["serve"]

    """

    static let gitignore = """
    .build/
    .swiftpm/
    Package.resolved
    .data/
    .env
    .env.local
    .env.*.local

    """

    static let makefile = """
    # `make dev` serves on :$(PORT) and reloads on save; `make test` builds and runs the tests.
    SWIFT    ?= swift
    PORT     ?= 8000
    # The build directory (swift build --scratch-path); another project's to share its built modules.
    SCRATCH  ?= .build
    SYS_PKGS := liblmdb-dev libcurl4-openssl-dev libstb-dev
    SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

    .PHONY: dev test deps build routes clean

    ## Serve Functions/ on :$(PORT) with the KV store in ./.data/kv, rebuilding and swapping servers on every save.
    dev: deps
    \t@t0=$$(date +%s); \\
    \techo "==> resolving packages"; $(SWIFT) package --scratch-path $(SCRATCH) resolve || exit 1; \\
    \techo "==> building app: the first build compiles swift-edge and its dependencies (minutes; [done/total] counts the steps)"; \\
    \t$(SWIFT) build --scratch-path $(SCRATCH) --product app || exit 1; \\
    \techo "==> ready in $$(( $$(date +%s) - t0 ))s"
    \tPORT=$(PORT) $(SCRATCH)/debug/app dev --no-build --scratch-path $(SCRATCH)

    ## Build everything and run the tests.
    test: deps
    \t$(SWIFT) build --scratch-path $(SCRATCH) --build-tests
    \t$(SWIFT) test --scratch-path $(SCRATCH) --skip-build

    build: deps
    \t$(SWIFT) build --scratch-path $(SCRATCH) --product app

    routes: build
    \t$(SCRATCH)/debug/app routes

    ## The system libraries swift-edge links (only the missing ones are installed).
    deps:
    \t@missing=""; for p in $(SYS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \\
    \tif [ -n "$$missing" ]; then \\
    \t  echo "==> installing$$missing"; \\
    \t  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \\
    \tfi

    clean:
    \trm -rf $(SCRATCH)

    """

    static func readme(name: String) -> String {
        """
        # \(name)

        ```sh
        make dev    # serve on http://localhost:8000, rebuild and swap on every save
        make test   # build and run the tests
        ```

        A [swift-edge](\(ProjectDependency.publishedURL.replacingSuffix(".git", with: ""))) project.

        - **A folder is a route; its one Swift file is named after its handler type**:
          `Functions/hello/Hello.swift` declares `struct Hello: EdgeFunction` and serves `GET /hello`.
          `Functions/users/[id]/User.swift` serves `/users/:id`; `(group)` folders do not change the URL;
          `_`-prefixed folders hold shared code.
        - `vercel-like.json`: per-route limits (`functions`), `crons`.
        - `.env.example`: the settings; copy it to `.env`.
        - Tests use `EdgeTesting`'s `TestClient`: requests through the router, an in-memory KV
          (`Tests/AppTests`).
        - `.build/debug/app` is the `edge` command line for this project: `serve`, `dev`, `routes`,
          `cron list|run`, `kv get|set|list|export|import|backup|restore`, `version`.
        - `Dockerfile`: `edge serve` on :8000, the KV store on the `/data` volume, health check on
          `/__edge/ready`.

        """
    }
}

extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
