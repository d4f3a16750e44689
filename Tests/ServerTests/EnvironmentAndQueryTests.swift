import EdgeRuntime
import Synchronization
import Testing

/// Settings derived once per environment, and the query parser's byte-wise split.
@Suite struct EnvironmentAndQueryTests {
    struct Setting: Sendable, Equatable { let name: String }
    struct Other: Sendable, Equatable { let size: Int }

    @Test func derivedValuesAreBuiltOncePerEnvironmentAndType() {
        let builds = Mutex(0)
        let env = Environment(["NAME": "a", "SIZE": "3"])
        func setting(_ e: Environment) -> Setting {
            e.derived { e in builds.withLock { $0 += 1 }; return Setting(name: e["NAME"] ?? "") }
        }
        #expect(setting(env) == Setting(name: "a"))
        let copy = env  // copies share what was derived
        #expect(setting(copy) == Setting(name: "a"))
        #expect(builds.withLock { $0 } == 1)
        #expect(env.derived { Other(size: $0.int("SIZE", default: 0)) } == Other(size: 3), "another type, another value")
        let other = Environment(["NAME": "b"])
        #expect(setting(other) == Setting(name: "b"), "another environment derives its own")
        #expect(builds.withLock { $0 } == 2)
        #expect(setting(env.scoped(to: "x")) == Setting(name: "a"))
        #expect(builds.withLock { $0 } == 3, "a scoped environment is a new one")
    }

    /// The byte-wise split gives what the Character-wise one gave on every ASCII query.
    @Test(arguments: ["", "a", "a=1", "a=1&b=2", "&&a=1&&", "a=&=b&c", "a=1=2", "x=%41%zz&y=+1+", "runId=prep-0123456789abcdef",
                      "q=%E2%9C%93&q=2", "a%3Db=c%26d", "k=v&k=w&k"])
    func queriesSplitAsBefore(raw: String) {
        var expected: [(String, String)] = []
        for part in raw.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: "=") {
                expected.append((PercentDecoding.decode(part[..<eq], plusAsSpace: true), PercentDecoding.decode(part[part.index(after: eq)...], plusAsSpace: true)))
            } else {
                expected.append((PercentDecoding.decode(part, plusAsSpace: true), ""))
            }
        }
        let parsed = QueryParameters(raw).pairs
        #expect(parsed.map(\.name) == expected.map(\.0) && parsed.map(\.value) == expected.map(\.1), "\(raw)")
    }

    @Test func aCombiningMarkAfterAnAmpersandDoesNotJoinPairs() {
        let q = QueryParameters("a=1&\u{301}b=2")
        #expect(q.pairs.count == 2)
        #expect(q["a"] == "1")
        #expect(q["\u{301}b"] == "2")
    }
}
