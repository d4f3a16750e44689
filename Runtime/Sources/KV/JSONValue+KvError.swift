package import EdgeJSON

extension JSONValue {
    /// ``JSONValue/parse(_:)`` with its error as KV's `invalid_input` (the export/import format, the CLI).
    package static func parseKv(_ bytes: some Collection<UInt8>) throws(KvError) -> JSONValue {
        do { return try JSONValue.parse(bytes) } catch { throw KvError(.invalidInput, error.description) }
    }

    package static func parseKv(_ text: String) throws(KvError) -> JSONValue { try parseKv(Array(text.utf8)) }
}
