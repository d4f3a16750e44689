import Synchronization

/// Everything `edge dev` prints: its own lines prefixed with `[edge dev]`, the child servers'
/// (pretty) logs as they are, and on a terminal one transient progress line during builds.
final class Console: Sendable {
    let style: Style
    let interactive: Bool
    private let sink: @Sendable (String) -> Void
    /// Whether a transient status line is on screen (TTY only).
    private let statusShown = Mutex<Bool>(false)

    init(color: Bool, interactive: Bool, sink: @escaping @Sendable (String) -> Void) {
        self.style = Style(enabled: color)
        self.interactive = interactive
        self.sink = sink
    }

    var prefix: String { style.cyan("[edge dev]") }

    /// Writes whole lines (a trailing newline is added).
    func lines(_ text: String) {
        statusShown.withLock { shown in
            var out = ""
            if shown { out += "\r\u{1B}[K"; shown = false }
            out += text
            out += "\n"
            sink(out)
        }
    }

    func info(_ message: String) { lines("\(prefix) \(message)") }
    func success(_ message: String) { lines("\(prefix) \(style.green(message))") }
    func warn(_ message: String) { lines("\(prefix) \(style.yellow(message))") }
    func error(_ message: String) { lines("\(prefix) \(style.red(message))") }

    /// A child server's log line, passed through.
    func child(_ line: String) { lines(line) }

    /// Progress (e.g. the build's `[12/40] Compiling …`): overwritten in place on a terminal,
    /// dropped otherwise (the final "built in" line says enough).
    func status(_ message: String) {
        guard interactive else { return }
        statusShown.withLock { shown in
            var text = "\(prefix) \(style.dim(message))"
            if message.count > 100 { text = "\(prefix) \(style.dim(String(message.prefix(99)) + "…"))" }
            sink("\r\u{1B}[K" + text)
            shown = true
        }
    }
}
