/// Checks what the generated route table will ask of each handler file, before the compiler does: a
/// type named after the file, and that type an `EdgeFunction`. Without this the compiler's errors
/// ("cannot find 'Bye' in scope", "does not conform to EdgeFunction") point into generated code.
///
/// Conservative by construction: it reports only what it can see for certain in the target's own files.
/// A type declared in any file of the target counts as declared; a conformance through a protocol or
/// class declared outside the target (not one of the standard library's usual protocols) counts as an
/// `EdgeFunction`, and the compiler judges it.
public enum HandlerSourceCheck {
    /// - Parameters:
    ///   - routes: the scanned handler files.
    ///   - sources: every Swift file of the target, keyed like ``ScannedRoute/file`` (`Functions/hello/Hello.swift`).
    public static func check(_ routes: [ScannedRoute], sources: [String: String]) -> [RouteGenError] {
        var byFile: [String: SwiftDeclarations] = [:]
        for (file, text) in sources { byFile[file] = SwiftDeclarations(source: text) }
        let all = byFile.values.flatMap(\.declarations)
        let nominal: Set<String> = ["struct", "class", "enum", "actor", "protocol", "typealias"]
        var declared: [String: SwiftDeclarations.Declaration] = [:]
        var inherited: [String: Set<String>] = [:]
        for d in all {
            if nominal.contains(d.kind), declared[d.name] == nil { declared[d.name] = d }
            inherited[d.name, default: []].formUnion(d.inherited)
        }

        /// Whether `name` is, or may be, an EdgeFunction; false only when everything it inherits is known.
        func mayConform(_ name: String, _ seen: inout Set<String>) -> Bool {
            if name == "EdgeFunction" { return true }
            if !seen.insert(name).inserted { return false }
            guard declared[name] != nil else { return !knownNonConforming.contains(name) }
            if declared[name]?.kind == "typealias" { return true }
            return (inherited[name] ?? []).contains { mayConform($0, &seen) }
        }

        var errors: [RouteGenError] = []
        for route in routes.sorted(by: { $0.file < $1.file }) {
            guard let here = byFile[route.file] else { continue }
            guard let decl = declared[route.typeName] else {
                let candidates = here.declarations.filter { nominal.contains($0.kind) && $0.kind != "protocol" }
                let handler = candidates.first { $0.inherited.contains("EdgeFunction") }
                let line = handler?.line ?? candidates.first?.line ?? 1
                errors.append(RouteGenError(file: route.file, line: line, .handlerTypeNotDeclared(typeName: route.typeName, found: handler?.name)))
                continue
            }
            guard decl.kind != "typealias", decl.kind != "protocol" else { continue }
            var seen = Set<String>()
            if !mayConform(route.typeName, &seen) {
                let line = byFile[route.file]?.declarations.first { $0.name == route.typeName && $0.kind == decl.kind }?.line ?? decl.line
                errors.append(RouteGenError(file: route.file, line: line, .missingEdgeFunctionConformance(typeName: route.typeName, kind: decl.kind)))
            }
        }
        return errors
    }

    /// Standard-library and Foundation protocols a handler often also adopts: none makes it an EdgeFunction.
    static let knownNonConforming: Set<String> = [
        "Sendable", "Codable", "Encodable", "Decodable", "Equatable", "Hashable", "Comparable", "Identifiable",
        "CustomStringConvertible", "CustomDebugStringConvertible", "Error", "CaseIterable", "RawRepresentable",
        "Copyable", "Escapable", "AnyObject", "BitwiseCopyable", "String", "Int", "Character",
    ]
}
