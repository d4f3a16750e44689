/// A handler file found under `Functions/` and the route it serves.
public struct ScannedRoute: Equatable, Sendable {
    public let pattern: RoutePattern
    /// Path relative to the project root, e.g. `Functions/(vlm)/v1/prompts/[id]/Prompt.swift`.
    public let file: String
    /// The handler type: the file's basename.
    public let typeName: String
}
