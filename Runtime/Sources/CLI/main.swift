// `edge`: the swift-edge command line. See `edge --help`.
import ArgumentParser
import EdgeRuntime
import Server

#if canImport(Glibc)
import Glibc
#endif

// Before any event loop starts.
EventLoops.configure(FileIO.processEnvironment())

let code = await EdgeCommand.exitStatus(arguments: Array(CommandLine.arguments.dropFirst()))
LogSink.standardOutput.flush()
exit(code)
