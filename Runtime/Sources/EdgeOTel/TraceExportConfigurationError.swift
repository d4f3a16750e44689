/// A tracing setting that cannot work, named with the variable it came from.
public struct TraceExportConfigurationError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
