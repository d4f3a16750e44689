import Testing
@testable import DevServer

@Suite("dotenv parsing")
struct DotEnvParseTests {
    @Test func plainAssignmentsCommentsAndBlankLines() {
        let r = DotEnv.parse("""
        # a comment
        A=1

          B = two words  
        C=
        """)
        #expect(r.values == ["A": "1", "B": "two words", "C": ""])
        #expect(r.warnings.isEmpty)
    }

    @Test func exportPrefix() {
        let r = DotEnv.parse("export API_KEY=abc\nexport  SPACED = x\nexport=literal\n")
        #expect(r.values["API_KEY"] == "abc")
        #expect(r.values["SPACED"] == "x")
        #expect(r.values["export"] == "literal")
    }

    @Test func inlineCommentsOnlyAfterWhitespaceInUnquotedValues() {
        let r = DotEnv.parse("""
        A=value # comment
        B=no#comment
        C="quoted # kept" # comment
        D='single # kept'
        E=#
        """)
        #expect(r.values["A"] == "value")
        #expect(r.values["B"] == "no#comment")
        #expect(r.values["C"] == "quoted # kept")
        #expect(r.values["D"] == "single # kept")
        #expect(r.values["E"] == "")
    }

    @Test func doubleQuotesUnderstandEscapes() {
        let r = DotEnv.parse(#"A="line1\nline2\ttab \"q\" back\\slash \$HOME""#)
        #expect(r.values["A"] == "line1\nline2\ttab \"q\" back\\slash $HOME")
    }

    @Test func singleQuotesAndBackticksAreLiteral() {
        let r = DotEnv.parse(#"""
        A='no\nescape $HOME'
        B=`back "tick" 'both'`
        """#)
        #expect(r.values["A"] == #"no\nescape $HOME"#)
        #expect(r.values["B"] == #"back "tick" 'both'"#)
        #expect(r.entries.allSatisfy { !$0.expands })
    }

    @Test func multilineQuotedValues() {
        let r = DotEnv.parse("""
        KEY="-----BEGIN KEY-----
        abc
        -----END KEY-----"
        NEXT=1
        """)
        #expect(r.values["KEY"] == "-----BEGIN KEY-----\nabc\n-----END KEY-----")
        #expect(r.values["NEXT"] == "1")
        #expect(r.entries.last?.line == 4)
    }

    @Test func windowsLineEndings() {
        let r = DotEnv.parse("A=1\r\nB=\"two\"\r\n")
        #expect(r.values == ["A": "1", "B": "two"])
    }

    @Test func malformedLinesAreWarnedAndSkipped() {
        let r = DotEnv.parse("GOOD=1\nthis is not an assignment\n9BAD=2\nALSO_GOOD=3\n")
        #expect(r.values == ["GOOD": "1", "ALSO_GOOD": "3"])
        #expect(r.warnings.map(\.line) == [2, 3])
    }

    @Test func unterminatedQuoteKeepsTheRestOfTheLine() {
        let r = DotEnv.parse("A=\"open\nB=2\n")
        #expect(r.values["A"] == "\"open")
        #expect(r.values["B"] == "2")
        #expect(r.warnings.count == 1)
    }

    @Test func lastAssignmentInAFileWins() {
        #expect(DotEnv.parse("A=1\nA=2\n").values["A"] == "2")
    }
}

@Suite("dotenv merge and expansion")
struct DotEnvMergeTests {
    @Test func nextJsOrderLaterFilesWin() {
        let files = [
            DotEnv.parse("A=env\nB=env\nC=env\nD=env\n"),                // .env
            DotEnv.parse("B=development\nC=development\nD=development"), // .env.development
            DotEnv.parse("C=local\nD=local"),                            // .env.local
            DotEnv.parse("D=development.local"),                         // .env.development.local
        ]
        let merged = DotEnv.merge(files: files, processEnvironment: [:])
        #expect(merged["A"] == "env")
        #expect(merged["B"] == "development")
        #expect(merged["C"] == "local")
        #expect(merged["D"] == "development.local")
        #expect(DotEnv.developmentFiles == [".env", ".env.development", ".env.local", ".env.development.local"])
    }

    @Test func processEnvironmentWinsOverEveryFile() {
        let merged = DotEnv.merge(files: [DotEnv.parse("A=file\nB=file"), DotEnv.parse("A=local")],
                                  processEnvironment: ["A": "shell", "PATH": "/bin"])
        #expect(merged["A"] == "shell")
        #expect(merged["B"] == "file")
        #expect(merged["PATH"] == "/bin")
    }

    @Test func expansionUsesProcessThenFiles() {
        let files = [
            DotEnv.parse("""
            HOSTNAME=localhost
            URL=http://${HOSTNAME}:$PORT/api
            HOME_DIR="$HOME/x"
            LITERAL='$HOSTNAME'
            ESCAPED=\\$HOSTNAME
            DEFAULTED=${MISSING:-fallback}
            EMPTY_DEFAULT=${EMPTY:-used}
            DASH_DEFAULT=${EMPTY-unused}
            EMPTY=
            """),
        ]
        let merged = DotEnv.merge(files: files, processEnvironment: ["PORT": "3000", "HOME": "/root"])
        #expect(merged["URL"] == "http://localhost:3000/api")
        #expect(merged["HOME_DIR"] == "/root/x")
        #expect(merged["LITERAL"] == "$HOSTNAME")
        #expect(merged["ESCAPED"] == "$HOSTNAME")
        #expect(merged["DEFAULTED"] == "fallback")
        #expect(merged["EMPTY_DEFAULT"] == "used")
        #expect(merged["DASH_DEFAULT"] == "")
    }

    @Test func expansionSeesLaterFilesAndSurvivesCycles() {
        let merged = DotEnv.merge(files: [DotEnv.parse("GREETING=hello $NAME\nA=$B\nB=$A"), DotEnv.parse("NAME=local")],
                                  processEnvironment: [:])
        #expect(merged["GREETING"] == "hello local")
        #expect(merged["A"] == "")
    }

    @Test func loadReadsOnlyPresentFilesInOrder() throws {
        let dir = try TempDirectory()
        try dir.write(".env", "A=env\nB=env\n")
        try dir.write(".env.local", "A=local\n")
        try dir.write(".env.production", "A=production\n")
        let (env, loaded, warnings) = DotEnv.load(directory: dir.path, processEnvironment: ["B": "shell"])
        #expect(loaded == [".env", ".env.local"])
        #expect(warnings.isEmpty)
        #expect(env["A"] == "local")
        #expect(env["B"] == "shell")
    }
}
