// `edge-dev-runner`: DevServer's `edge dev` as a standalone executable, for the bench and for
// trying the module before the `edge` CLI wires it in (it is not a product of the main package).
import DevServer

#if canImport(Glibc)
import Glibc
#endif

let code = await DevCommand.run(Array(CommandLine.arguments.dropFirst()), environment: [:])
exit(code)
