// CodecBench: per-call cost of the runtime's hand-written codecs against the kept libraries.
// Usage: codec-bench [--rounds N] [--only SUBSTRING] [--check] [--multipart-mib N]
// bench/codecs/run.sh builds it in release and runs it.

var args = CommandLine.arguments.dropFirst()
var rounds = 7, only: String?, check = false, mib = 10
while let a = args.popFirst() {
    switch a {
    case "--rounds": rounds = Int(args.popFirst() ?? "") ?? rounds
    case "--only": only = args.popFirst()
    case "--check": check = true
    case "--multipart-mib": mib = Int(args.popFirst() ?? "") ?? mib
    default: print("unknown argument \(a)")
    }
}
if check {
    ISOCases.check()
    Base64Cases.check()
} else {
    var bench = Bench(rounds: rounds, filter: only)
    RequestIDCases.run(&bench)
    ISOCases.run(&bench)
    Base64Cases.run(&bench)
    await MultipartCases.run(&bench, mebibytes: mib)
    print("checksum \(bench.sink)")
}
