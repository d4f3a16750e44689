import EdgeRuntime

#if canImport(Glibc)
import Glibc
#endif

/// An app compiled as a shared library (`edge dev`'s fast reloads), loaded into this process.
///
/// When `EDGE_APP_LIBRARY` names such a library, ``EdgeMain/run(_:)`` serves its routes instead of the
/// ones linked into the binary; worker processes inherit the variable and load it too. The library
/// leaves the runtime's symbols undefined and finds them in this executable, which must export them
/// (`edge dev` links its server binary with `--export-dynamic`), so both share one runtime.
enum AppLibrary {
    /// The variable naming the library.
    static let environmentVariable = "EDGE_APP_LIBRARY"

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Opens `path` and calls its ``AppManifest/entrySymbol``.
    static func load(_ path: String) throws(LoadError) -> AppManifest {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let why = lastError()
            let hint = why.contains("undefined symbol") ? " (this binary does not export the runtime: load app libraries into edge dev's host)" : ""
            throw LoadError(description: "cannot load the app library \(path): \(why)\(hint)")
        }
        // Never closed: its code serves until the process ends.
        guard let symbol = dlsym(handle, AppManifest.entrySymbol) else {
            throw LoadError(description: "\(path) has no \(AppManifest.entrySymbol) entry point: \(lastError())")
        }
        typealias Entry = @convention(c) () -> UnsafeMutableRawPointer
        let entry = unsafeBitCast(symbol, to: Entry.self)
        return AppManifest.fromRetainedPointer(entry())
    }

    /// `app` with its routes replaced by the library's, when the environment names one.
    static func resolve(_ app: ServedApp, environment: [String: String]) throws(LoadError) -> ServedApp {
        guard let path = environment[environmentVariable], !path.isEmpty else { return app }
        let manifest = try load(path)
        return ServedApp(routes: manifest.routes, apps: manifest.apps, product: app.product)
    }

    private static func lastError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown error"
    }
}
