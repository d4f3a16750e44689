import Testing
@testable import RouteGenCore

@Suite struct RouteScannerTests {
    @Test func foldersBecomeRoutes() {
        let (routes, errors) = RouteScanner.scan(files: [
            "Home.swift",
            "(director)/api/health/DirectorHealth.swift",
            "(director)/api/sessions/[sessionId]/Session.swift",
            "docs/[...slug]/Docs.swift",
            "shop/[[...path]]/Shop.swift",
            "_shared/Store.swift",
            "(vlm)/_lib/Prompts.swift",
            "(vlm)/v1/prompts/default/DefaultPrompt.swift",
            "(vlm)/v1/prompts/[id]/Prompt.swift",
        ])
        #expect(errors.isEmpty)
        let table = Dictionary(uniqueKeysWithValues: routes.map { ($0.typeName, $0.pattern.description) })
        #expect(table == [
            "Home": "/",
            "DirectorHealth": "/api/health",
            "Session": "/api/sessions/:sessionId",
            "Docs": "/docs/:slug+",
            "Shop": "/shop/:path*",
            "DefaultPrompt": "/v1/prompts/default",
            "Prompt": "/v1/prompts/:id",
        ])
        #expect(routes.first { $0.typeName == "Session" }?.file == "Functions/(director)/api/sessions/[sessionId]/Session.swift")
    }

    @Test func precedenceStaticThenDynamicThenCatchAllDeeperFirst() {
        let (routes, _) = RouteScanner.scan(files: [
            "a/[...rest]/CatchAll.swift",
            "a/[id]/Dyn.swift",
            "a/new/Static.swift",
            "a/[id]/edit/Edit.swift",
            "[[...all]]/Everything.swift",
        ])
        #expect(routes.map(\.typeName) == ["Static", "Edit", "Dyn", "CatchAll", "Everything"])
        #expect(RouteScanner.resolve("/a/new", in: routes)?.typeName == "Static")
        #expect(RouteScanner.resolve("/a/7", in: routes)?.typeName == "Dyn")
        #expect(RouteScanner.resolve("/a/7/edit", in: routes)?.typeName == "Edit")
        #expect(RouteScanner.resolve("/a/7/x/y", in: routes)?.typeName == "CatchAll")
        #expect(RouteScanner.resolve("/", in: routes)?.typeName == "Everything")
        #expect(RouteScanner.resolve("/zzz?x=1", in: routes)?.typeName == "Everything")
    }

    @Test func patternMatchingCapturesParameters() {
        let p = RoutePattern(parsing: "/files/:owner/:path+")
        #expect(p.match(["files", "me", "a", "b.txt"]) == ["owner": "me", "path": "a/b.txt"])
        #expect(p.match(["files", "me"]) == nil)
        let o = RoutePattern(parsing: "/shop/:slug*")
        #expect(o.match(["shop"]) == ["slug": ""])
        #expect(o.match(["shop", "x", "y"]) == ["slug": "x/y"])
    }

    /// The length check `match` starts with refuses exactly the paths the segment walk would refuse.
    @Test func segmentCountsAgreeWithTheWalk() {
        let patterns = ["/", "/a", "/a/:b", "/a/:b/c", "/files/:owner/:path+", "/shop/:slug*", "/:x/:y*", "/a/:rest+/z"]
        let paths: [[Substring]] = (0...5).map { n in (0..<n).map { ["a", "c", "z", "x"][$0 % 4] } }
        for text in patterns {
            let p = RoutePattern(parsing: text)
            for path in paths {
                // The rule written out segment by segment, without the length check.
                var expected: [String: String]? = [:]
                var i = 0
                for seg in p.segments {
                    switch seg {
                    case .literal(let s): if i < path.count, path[i] == s { i += 1 } else { expected = nil }
                    case .parameter(let n): if i < path.count { expected?[n] = String(path[i]); i += 1 } else { expected = nil }
                    case .catchAll(let n): if i < path.count { expected?[n] = path[i...].joined(separator: "/"); i = path.count } else { expected = nil }
                    case .optionalCatchAll(let n): expected?[n] = path[i...].joined(separator: "/"); i = path.count
                    }
                    if expected == nil { break }
                }
                if i != path.count { expected = nil }
                #expect(p.match(path) == expected, "\(text) on /\(path.joined(separator: "/"))")
                #expect(p.segmentCounts.contains(path.count) || expected == nil)
            }
        }
        #expect(RoutePattern(parsing: "/a/:b").segmentCounts == 2...2)
        #expect(RoutePattern(parsing: "/files/:owner/:path+").segmentCounts == 3...Int.max)
        #expect(RoutePattern(parsing: "/shop/:slug*").segmentCounts == 1...Int.max)
    }

    /// Every conflict error, with the exact text the build prints.
    @Test(arguments: [
        (["users/[id]/A.swift", "users/[slug]/B.swift"],
         "Functions/users/[slug]/B.swift: error: route /users/:slug conflicts with Functions/users/[id]/A.swift: both normalise to the same pattern; rename or merge one of them"),
        (["(a)/x/A.swift", "(b)/x/B.swift"],
         "Functions/(b)/x/B.swift: error: route /x conflicts with Functions/(a)/x/A.swift: both normalise to the same pattern; rename or merge one of them"),
        (["t/[team]/[team]/T.swift"],
         "Functions/t/[team]/[team]/T.swift: error: parameter 'team' appears twice in one route path"),
        (["d/[...rest]/more/M.swift"],
         "Functions/d/[...rest]/more/M.swift: error: catch-all segment '[...rest]' must be the last segment of the route"),
        (["x/One.swift", "x/Two.swift"],
         "Functions/x/Two.swift: error: a route folder holds exactly one handler file, but Functions/x/One.swift is in the same folder; move shared code to a '_'-prefixed folder"),
        (["s/S.swift", "s/[[...all]]/All.swift"],
         "Functions/s/[[...all]]/All.swift: error: optional catch-all /s/:all* also matches the route of Functions/s/S.swift; remove one of them"),
        (["bad[x/B.swift"],
         "Functions/bad[x/B.swift: error: malformed route folder 'bad[x': use name, [param], [...rest] or [[...rest]] (parameter names are letters, digits and _)"),
    ])
    func conflictsFailWithBothFilesNamed(files: [String], message: String) {
        let (_, errors) = RouteScanner.scan(files: files)
        #expect(errors.map(\.description) == [message])
    }

    @Test func cronPathsMustMatchARoute() {
        let (routes, _) = RouteScanner.scan(files: ["admin/backup/Backup.swift", "jobs/[id]/Job.swift"])
        let ok = CronPathCheck.check(configText: #"{"crons":[{"path":"/admin/backup","schedule":"0 3 * * *"},{"path":"/jobs/7?x=1","schedule":"@daily"}]}"#, configFile: "vercel-like.json", routes: routes)
        #expect(ok.isEmpty)
        let bad = CronPathCheck.check(configText: #"{"crons":[{"path":"/nope","schedule":"0 3 * * *"}]}"#, configFile: "vercel-like.json", routes: routes)
        #expect(bad.map(\.description) == ["vercel-like.json: error: cron path '/nope' matches no route under Functions/"])
        let malformed = CronPathCheck.check(configText: #"{"crons":{"path":1}}"#, configFile: "vercel-like.json", routes: routes)
        #expect(malformed.count == 1)
    }

    @Test func emittedTableRegistersEachHandlerAtItsFile() {
        let (routes, _) = RouteScanner.scan(files: ["(vlm)/v1/prompts/[id]/Prompt.swift"])
        let source = RouteTableEmitter.emit(routes, projectRoot: "/p")
        #expect(source.contains(#"#sourceLocation(file: "/p/Functions/(vlm)/v1/prompts/[id]/Prompt.swift", line: 1)"#))
        #expect(source.contains(#"routes.append(RouteDescriptor("/v1/prompts/:id", file: "Functions/(vlm)/v1/prompts/[id]/Prompt.swift", Prompt.self))"#))
        // A project without route groups gets no "never mutated" warning from generated code.
        #expect(source.contains("let apps: [AppDescriptor] = []"))
    }
}
