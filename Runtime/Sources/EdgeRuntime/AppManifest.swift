/// An app's route table and app declarations as one object: what an app built as a shared library
/// hands the runtime that loads it.
///
/// `edge dev` compiles `Functions/` as a library with one extra entry point, a C function named
/// ``entrySymbol`` taking no arguments and returning a +1 reference to an `AppManifest`:
///
/// ```swift
/// @_cdecl("edge_app_manifest")
/// public func edgeAppManifest() -> UnsafeMutableRawPointer {
///     AppManifest(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps).retainedPointer()
/// }
/// ```
///
/// The library resolves this type (and everything else of the runtime) in the process that loads
/// it, so both sides share one copy of the runtime's types.
public final class AppManifest: Sendable {
    /// The C name of the library's entry point.
    public static let entrySymbol = "edge_app_manifest"

    /// Every function, in match precedence order.
    public let routes: [RouteDescriptor]
    /// Every route group's app declaration.
    public let apps: [AppDescriptor]

    public init(routes: [RouteDescriptor], apps: [AppDescriptor]) {
        self.routes = routes
        self.apps = apps
    }

    /// The manifest as the entry point returns it: retained once, for ``fromRetainedPointer(_:)``.
    public func retainedPointer() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    /// Takes over the reference an entry point returned.
    public static func fromRetainedPointer(_ pointer: UnsafeMutableRawPointer) -> AppManifest {
        Unmanaged<AppManifest>.fromOpaque(pointer).takeRetainedValue()
    }
}
