/// Finds the app declarations under `Functions/`: a route group `(name)` at the top level declares its
/// app in `(name)/_app/`, one Swift file named after its `EdgeApp` type. Everything else in `_app`
/// folders is an error: a declaration must be unambiguous, and one the scanner ignored would silently
/// leave a group without its CORS, credentials or error shape.
public enum AppScanner {
    /// The folder that holds a group's declaration.
    public static let folder = "_app"

    /// - Parameters: as ``RouteScanner/scan(files:root:)``.
    public static func scan(files: [String], root: String = "Functions") -> (apps: [ScannedApp], errors: [RouteGenError]) {
        var apps: [ScannedApp] = []
        var errors: [RouteGenError] = []
        for rel in files.sorted() where rel.hasSuffix(".swift") {
            var parts = rel.split(separator: "/").map(String.init)
            let fileName = parts.removeLast()
            guard parts.contains(folder) else { continue }
            let file = root + "/" + rel
            guard parts.count == 2, parts[1] == folder, let group = groupName(parts[0]) else {
                errors.append(RouteGenError(file: file, .misplacedApp))
                continue
            }
            if let other = apps.first(where: { $0.name == group }) {
                errors.append(RouteGenError(file: file, .multipleAppFiles(other: other.file)))
                continue
            }
            apps.append(ScannedApp(name: group, file: file, typeName: String(fileName.dropLast(".swift".count))))
        }
        return (apps, errors)
    }

    /// `vlm` for `(vlm)`, nil for anything that is not a route group folder.
    static func groupName(_ folder: String) -> String? {
        guard folder.count > 2, folder.hasPrefix("("), folder.hasSuffix(")") else { return nil }
        return String(folder.dropFirst().dropLast())
    }
}
