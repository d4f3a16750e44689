/// One app declaration, as the generated route table lists it.
public struct AppDescriptor: Sendable {
    /// The route group's name without parentheses (`vlm` for `(vlm)`).
    public let name: String
    /// The declaration file relative to the project root.
    public let file: String
    public let makeApp: @Sendable () -> any EdgeApp

    public init<A: EdgeApp>(_ name: String, file: String, _ type: A.Type) {
        self.name = name
        self.file = file
        self.makeApp = { A() }
    }
}
