/// Writes the generated Swift route table. Each registration is wrapped in `#sourceLocation` pointing at
/// the handler file, so a type-name mismatch or a missing `EdgeFunction` conformance is reported there.
public enum RouteTableEmitter {
    /// - Parameter projectRoot: absolute path of the package root (for `#sourceLocation`).
    public static func emit(_ routes: [ScannedRoute], apps: [ScannedApp] = [], projectRoot: String) -> String {
        var out = """
        // RouteTable.generated.swift: written by RouteGen at build time from the Functions/ tree.
        // Never committed, never edited: add, move or delete handler folders instead.
        public import EdgeRuntime

        public enum FunctionsManifest {
            /// Every function, in match precedence order.
            public static let routes: [RouteDescriptor] = makeRoutes()
            /// Every route group's app declaration.
            public static let apps: [AppDescriptor] = makeApps()

            private static func makeApps() -> [AppDescriptor] {
                \(apps.isEmpty ? "let" : "var") apps: [AppDescriptor] = []

        """
        for a in apps {
            out += "#sourceLocation(file: \(literal(projectRoot + "/" + a.file)), line: 1)\n"
            out += "        apps.append(AppDescriptor(\(literal(a.name)), file: \(literal(a.file)), \(a.typeName).self))\n"
            out += "#sourceLocation()\n"
        }
        out += """
                return apps
            }

            private static func makeRoutes() -> [RouteDescriptor] {
                var routes: [RouteDescriptor] = []
                routes.reserveCapacity(\(routes.count))

        """
        for r in routes {
            out += "#sourceLocation(file: \(literal(projectRoot + "/" + r.file)), line: 1)\n"
            out += "        routes.append(RouteDescriptor(\(literal(r.pattern.description)), file: \(literal(r.file)), \(r.typeName).self))\n"
            out += "#sourceLocation()\n"
        }
        out += """
                return routes
            }
        }

        """
        return out
    }

    static func literal(_ s: String) -> String { SwiftLiteral.quoted(s) }
}
