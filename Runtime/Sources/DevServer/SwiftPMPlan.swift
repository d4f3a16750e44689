import EdgeJSON

/// What SwiftPM planned for the app, read from its build manifest (`.build/debug.yaml`, written by
/// every `swift build`): the three commands `edge dev` runs itself for a fast reload.
///
/// - the route-table plugin's command (RouteGen over the `Functions/` sources and `vercel-like.json`);
/// - the compiler command of the module that takes the generated table as a source (the app module);
/// - the link command of the server binary.
///
/// The manifest is llbuild's: one block per command under `commands:`, a quoted name line, then
/// `key: value` lines whose lists (`inputs`, `outputs`, `args`) are JSON arrays of strings.
struct SwiftPMPlan: Equatable {
    /// The app module's name (`Functions` here).
    var moduleName: String
    /// The app module's compiler command as SwiftPM ran it (`swiftc` first).
    var compileArguments: [String]
    /// The app module's Swift sources in its folder, as SwiftPM listed them (files the package excludes are
    /// missing here).
    var moduleSources: [String]
    /// The app module's Swift inputs that do not live in its source folder (generated resource
    /// accessors), the route table excluded.
    var derivedSources: [String]
    /// The files SwiftPM generates ``derivedSources`` from (embedded resources): a change to one needs
    /// `swift build` to regenerate them.
    var derivedInputs: Set<String>
    /// The app module's folder (the plugin's second argument).
    var sourceDirectory: String
    /// The plugin's command: `RouteGen ROOT FUNCTIONS CONFIG OUTPUT SOURCES...`.
    var routeGenArguments: [String]
    /// The server binary's link command (`swiftc ... -o BINARY ...`).
    var linkArguments: [String]

    struct Unusable: Error, CustomStringConvertible {
        let description: String
    }

    /// One command of the manifest.
    struct Command {
        var inputs: [String] = []
        var outputs: [String] = []
        var arguments: [String] = []
    }

    /// The plan for `binary` (its real path), from the manifest's text.
    static func parse(manifest: String, binary: String) throws(Unusable) -> SwiftPMPlan {
        let commands = Self.commands(in: manifest)
        guard let routeGen = commands.first(where: { c in
            c.arguments.count >= 5 && c.outputs.contains { $0.hasSuffix("/RouteTable.generated.swift") }
        }) else {
            throw Unusable(description: "SwiftPM's build manifest has no route-table plugin command")
        }
        let table = routeGen.arguments[4]
        guard let module = commands.first(where: { c in
            c.inputs.contains(table) && c.arguments.contains("-module-name") && c.arguments.first?.hasSuffix("swiftc") == true
        }), let nameIndex = module.arguments.firstIndex(of: "-module-name"), nameIndex + 1 < module.arguments.count else {
            throw Unusable(description: "SwiftPM's build manifest has no compiler command for the app module")
        }
        guard let link = commands.first(where: { c in
            guard let o = c.arguments.firstIndex(of: "-o"), o + 1 < c.arguments.count else { return false }
            return c.arguments.contains("-emit-executable") && c.arguments[o + 1] == binary
        }) else {
            throw Unusable(description: "SwiftPM's build manifest has no link command for \(binary)")
        }
        let directory = routeGen.arguments[2]
        let swift = module.inputs.filter { $0.hasSuffix(".swift") && $0 != table }
        let derived = swift.filter { !$0.hasPrefix(directory + "/") }
        var generatorInputs: Set<String> = []
        for c in commands where c.outputs.contains(where: derived.contains) {
            generatorInputs.formUnion(c.inputs.filter { !$0.hasPrefix("<") })
        }
        return SwiftPMPlan(moduleName: module.arguments[nameIndex + 1], compileArguments: module.arguments,
                           moduleSources: swift.filter { $0.hasPrefix(directory + "/") },
                           derivedSources: derived, derivedInputs: generatorInputs, sourceDirectory: directory,
                           routeGenArguments: routeGen.arguments, linkArguments: link.arguments)
    }

    /// Every command block that lists JSON arrays (other keys and blocks are skipped).
    static func commands(in manifest: String) -> [Command] {
        var result: [Command] = []
        var current: Command?
        for line in manifest.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  \""), line.hasSuffix("\":") {
                if let c = current { result.append(c) }
                current = Command()
                continue
            }
            guard current != nil, line.hasPrefix("    ") else {
                if !line.hasPrefix(" "), let c = current { result.append(c); current = nil }
                continue
            }
            let body = line.dropFirst(4)
            for key in ["inputs", "outputs", "args"] where body.hasPrefix(key + ": [") {
                let list = Self.strings(body.dropFirst(key.count + 2))
                switch key {
                case "inputs": current?.inputs = list
                case "outputs": current?.outputs = list
                default: current?.arguments = list
                }
            }
        }
        if let c = current { result.append(c) }
        return result
    }

    /// A JSON array of strings; empty if it is anything else.
    static func strings(_ text: Substring) -> [String] {
        guard case .array(let values)? = try? JSONValue.parse(Array(text.utf8)) else { return [] }
        return values.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }
}
