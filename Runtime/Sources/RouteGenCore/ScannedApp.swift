/// An app declaration found under `Functions/`: `(group)/_app/<Type>.swift`.
public struct ScannedApp: Equatable, Sendable {
    /// The group's name without parentheses (`vlm`).
    public let name: String
    /// Path relative to the project root.
    public let file: String
    /// The declaration's type: the file's basename.
    public let typeName: String
}
