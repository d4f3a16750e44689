import ArgumentParser
import EdgeRuntime

/// `edge version`.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the runtime version.")

    func run() {
        print("edge \(RuntimeInfo.version)")
    }
}
