/// A setting that is missing, unreadable or out of range; the message names the file, flag or
/// variable it came from (and the JSON path in `vercel-like.json`). Exit status 1.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
