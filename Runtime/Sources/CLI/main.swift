// `edge`: the swift-edge command line. See `edge help`.
import EdgeRuntime
import Functions
import Server

#if canImport(Glibc)
import Glibc
#endif

// Before any event loop starts.
EventLoops.configure(FileIO.processEnvironment())

let arguments = Array(CommandLine.arguments.dropFirst())
let code = await EdgeCommand.run(arguments, routes: FunctionsManifest.routes, apps: FunctionsManifest.apps)
LogSink.standardOutput.flush()
exit(code)
