import EdgeRuntime
import Testing
@testable import Server

@Suite struct ConfigTests {
    let routes = [
        RouteDescriptor("/echo", file: "Functions/echo/Echo.swift", Echo.self),
        RouteDescriptor("/users/:id", file: "Functions/users/[id]/Echo.swift", Echo.self),
        RouteDescriptor("/docs/:rest+", file: "Functions/docs/[...rest]/Echo.swift", Echo.self),
    ]

    /// (config, request target, expected status, expected Location or nil)
    @Test(arguments: [
        (#"{"redirects":[{"source":"/old","destination":"/echo"}]}"#, "/old", 308, "/echo"),
        (#"{"redirects":[{"source":"/old","destination":"/echo","permanent":false}]}"#, "/old", 307, "/echo"),
        (#"{"redirects":[{"source":"/old","destination":"/echo","statusCode":301}]}"#, "/old?a=1", 301, "/echo?a=1"),
        (#"{"redirects":[{"source":"/blog/:slug","destination":"/news/:slug"}]}"#, "/blog/hello", 308, "/news/hello"),
        (#"{"redirects":[{"source":"/a/:path*","destination":"/b/:path*"}]}"#, "/a/x/y", 308, "/b/x/y"),
        (#"{"redirects":[{"source":"/a/:path*","destination":"/b/:path*"}]}"#, "/a", 308, "/b/"),
        (#"{"redirects":[{"source":"/n/:id(\\d+)","destination":"/users/:id"}]}"#, "/n/12", 308, "/users/12"),
        (#"{"redirects":[{"source":"/n/:id(\\d+)","destination":"/users/:id"}]}"#, "/n/ab", 404, nil),
        (#"{"redirects":[{"source":"/opt/:x?","destination":"/echo"}]}"#, "/opt", 308, "/echo"),
        (#"{"redirects":[{"source":"/plus/:x+","destination":"/echo"}]}"#, "/plus", 404, nil),
        (#"{"redirects":[{"source":"/r/(.*)","destination":"/docs/$1"}]}"#, "/r/a/b", 308, "/docs/a/b"),
        (#"{"redirects":[{"source":"/Case","destination":"/echo"}]}"#, "/case", 404, nil),
        (#"{"redirects":[{"source":"/h","destination":"/echo","has":[{"type":"header","key":"X-Flag","value":"on|yes"}]}]}"#, "/h", 404, nil),
        (#"{"redirects":[{"source":"/h","destination":"/echo","missing":[{"type":"query","key":"keep"}]}]}"#, "/h?keep=1", 404, nil),
        (#"{"redirects":[{"source":"/h","destination":"/echo","missing":[{"type":"query","key":"keep"}]}]}"#, "/h", 308, "/echo"),
        (#"{"trailingSlash":false}"#, "/echo/", 308, "/echo"),
        (#"{"trailingSlash":false}"#, "/echo", 200, nil),
        (#"{"trailingSlash":true}"#, "/echo", 308, "/echo/"),
        (#"{"trailingSlash":true}"#, "/file.txt/", 308, "/file.txt"),
        (#"{"trailingSlash":true}"#, "/echo/", 200, nil),
        (#"{"trailingSlash":true}"#, "/.well-known/x", 404, nil),
        (#"{"cleanUrls":true}"#, "/echo.html", 308, "/echo"),
        (#"{"cleanUrls":true}"#, "/docs/index", 308, "/docs"),
        (#"{"cleanUrls":true,"trailingSlash":true}"#, "/echo.html", 308, "/echo/"),
    ] as [(String, String, Int, String?)])
    func redirectSemantics(config: String, target: String, status: Int, location: String?) async throws {
        let r = try await TestApp(routes, config: config).send(.get, target)
        #expect(r.status == status, "\(config) \(target)")
        #expect(r.header("location") == location)
    }

    @Test func hasConditionWithHeader() async throws {
        let t = try TestApp(routes, config: #"{"redirects":[{"source":"/h","destination":"/echo","has":[{"type":"header","key":"X-Flag","value":"on|yes"}]}]}"#)
        var h = HTTPFields()
        h[HTTPField.Name("x-flag")!] = "yes"
        #expect(await t.send(.get, "/h", headers: h).status == 308)
    }

    @Test func rewritesRunAfterStaticFunctionsAndBeforeDynamicOnes() async throws {
        let t = try TestApp(routes, config: #"{"rewrites":[{"source":"/echo","destination":"/users/shadow"},{"source":"/users/:id","destination":"/echo"},{"source":"/p/:id","destination":"/echo"},{"source":"/q/:id","destination":"/users/:id?from=q"}]}"#)
        #expect(await t.send(.get, "/echo").route == "/echo", "an existing static function wins over a rewrite")
        #expect(await t.send(.get, "/users/7").route == "/echo", "a rewrite shadows a dynamic route")
        let appended = await t.send(.get, "/p/9?x=1")
        #expect(appended.route == "/echo")
        #expect(appended.json?["query"] == ["x": "1", "id": "9"], "unmentioned params go to the query")
        let q = await t.send(.get, "/q/5")
        #expect(q.json?["params"]?["id"] == "5")
        #expect(q.json?["query"] == ["from": "q"])
    }

    @Test func headerRulesStackAndInterpolate() async throws {
        let t = try TestApp(routes, config: #"{"headers":[{"source":"/users/:id","headers":[{"key":"x-user","value":"u-:id"}]},{"source":"/(.*)","headers":[{"key":"x-all","value":"1"},{"key":"cache-control","value":"no-store"}]}]}"#)
        let r = await t.send(.get, "/users/3")
        #expect(r.header("x-user") == "u-3")
        #expect(r.header("x-all") == "1")
        #expect(r.header("cache-control") == "no-store")
        #expect(await t.send(.get, "/nothing").header("x-all") == "1")
    }

    /// Unknown keys and bad values fail start-up with the JSON path.
    @Test(arguments: [
        (#"{"rewrite":[]}"#, "vercel-like.json: $.rewrite: unknown key"),
        (#"{"cleanUrls":"yes"}"#, "vercel-like.json: $.cleanUrls: expected true or false"),
        (#"{"redirects":[{"source":"/a"}]}"#, "vercel-like.json: $.redirects[0].destination: required"),
        (#"{"redirects":[{"source":"a","destination":"/b"}]}"#, "vercel-like.json: $.redirects[0].source: must start with '/'"),
        (#"{"redirects":[{"source":"/a","destination":"/b","statusCode":200}]}"#, "vercel-like.json: $.redirects[0].statusCode: must be 301, 302, 303, 307 or 308"),
        (#"{"headers":[{"source":"/a","headers":[{"key":"bad key","value":"v"}]}]}"#, "vercel-like.json: $.headers[0].headers[0].key: not a valid header name"),
        (#"{"crons":[{"path":"/a","schedule":"0 3 * * *","x":1}]}"#, "vercel-like.json: $.crons[0].x: unknown key"),
        (#"{"functions":{"Functions/**":{"maxDuration":0}}}"#, "vercel-like.json: $.functions[\"Functions/**\"].maxDuration: must be an integer from 1 to 1800 (seconds)"),
        (#"{"functions":{"Functions/**":{"memory":1024}}}"#, "vercel-like.json: $.functions[\"Functions/**\"].memory: unknown key"),
        (#"{"rewrites":[{"source":"/a","destination":"example.com/a"}]}"#, "vercel-like.json: $.rewrites[0].destination: must be a path starting with"),
        (#"{"redirects":[{"source":"/a/:","destination":"/b"}]}"#, "vercel-like.json: $.redirects[0].source: missing parameter name"),
        ("[1]", "vercel-like.json: $: expected an object"),
        ("{,}", "vercel-like.json: $: not valid JSON"),
    ])
    func invalidConfigNamesThePath(config: String, prefix: String) {
        do {
            _ = try EdgeConfig.parse(Array(config.utf8))
            Issue.record("accepted \(config)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error.description)")
        }
    }

    @Test func unusedFunctionGlobIsAnError() {
        #expect(throws: ConfigError.self) {
            _ = try TestApp(routes, config: #"{"functions":{"Functions/nothing/**":{"maxDuration":5}}}"#)
        }
    }

    @Test func pathPatternForms() throws {
        #expect(try PathPattern("/a/:b").match("/a/x") == ["b": "x"])
        #expect(try PathPattern("/a/:b").match("/a/x/") == nil, "strict: a trailing slash is significant")
        #expect(try PathPattern("/a/:b?").match("/a") == ["b": ""])
        #expect(try PathPattern("/a/:b*").match("/a/x/y") == ["b": "x/y"])
        #expect(try PathPattern("/a/:b+").match("/a") == nil)
        #expect(try PathPattern("/f/:n.:ext").match("/f/x.png") == ["n": "x", "ext": "png"])
        #expect(try PathPattern("/(.*)").match("/any/thing") == ["1": "any/thing"])
    }
}
