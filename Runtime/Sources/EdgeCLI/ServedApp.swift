public import EdgeRuntime

/// The app an `edge` binary serves: the route table and app declarations its `Functions/` target's
/// generated `FunctionsManifest` lists, and the product that builds the binary.
///
/// Every command reads it from ``current``, which ``EdgeMain/run(_:)`` binds for the command's whole run;
/// outside that scope it is the empty app (no routes, no apps, product `edge`).
public struct ServedApp: Sendable {
    /// Every function, in match precedence order (`FunctionsManifest.routes`).
    public var routes: [RouteDescriptor]
    /// Every route group's app declaration (`FunctionsManifest.apps`).
    public var apps: [AppDescriptor]
    /// The executable product this binary is, which `edge dev` rebuilds (`swift build --product <product>`)
    /// and runs from `.build/debug/<product>`.
    public var product: String

    public init(routes: [RouteDescriptor], apps: [AppDescriptor], product: String = "edge") {
        self.routes = routes
        self.apps = apps
        self.product = product
    }

    /// The app of the command running on this task.
    @TaskLocal public static var current = ServedApp(routes: [], apps: [])
}
