import PackagePlugin

/// Runs RouteGen on the `Functions` target: its Swift files and `vercel-like.json` are the inputs, one
/// generated route table is the output. Adding or removing a handler folder changes the inputs, so the
/// next build regenerates the table; no other file needs editing.
@main
struct RouteTablePlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let root = context.package.directoryURL.path(percentEncoded: false).trimmingTrailingSlash
        let functionsDir = target.directoryURL.path(percentEncoded: false).trimmingTrailingSlash
        let config = context.package.directoryURL.appending(path: "vercel-like.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "RouteTable.generated.swift")
        let sources = target.sourceFiles(withSuffix: "swift").map(\.url)
        return [
            .buildCommand(
                displayName: "Generating route table from \(target.name)/",
                executable: try context.tool(named: "RouteGen").url,
                arguments: [root, functionsDir, config.path(percentEncoded: false), output.path(percentEncoded: false)]
                    + sources.map { $0.path(percentEncoded: false) },
                inputFiles: sources + [config],
                outputFiles: [output]
            )
        ]
    }
}

extension String {
    var trimmingTrailingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
