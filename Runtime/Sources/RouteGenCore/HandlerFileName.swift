/// The handler-file naming rule, and what to suggest when a file follows Vercel's instead.
///
/// A handler file is named after its type, so its base name is a Swift type name: a letter that is not
/// lowercase, then letters, digits and `_`. Vercel names the file after the URL (`api/bye.ts`,
/// `api/index.ts`, `api/[id].ts`); each of those becomes a folder here.
public enum HandlerFileName {
    /// Where a Vercel-style file belongs, and its type name when one follows from the file name; nil when
    /// `baseName` (the file name without `.swift`) is already a type name.
    /// - Parameter folder: the file's folder relative to the project root (`Functions/api`).
    public static func vercelStyleSuggestion(_ baseName: String, folder: String) -> (path: String, typeName: String?)? {
        if isTypeName(baseName) { return nil }
        if baseName == "index" { return (folder + "/Index.swift", "Index") }
        let words = baseName.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).map(String.init)
        let typeName = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if isTypeName(typeName) { return (folder + "/" + baseName + "/" + typeName + ".swift", typeName) }
        return (folder + "/" + baseName + "/<Type>.swift", nil)
    }

    /// A Swift identifier that does not start with a lowercase letter.
    static func isTypeName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_", !first.isLowercase else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
