import EdgeJSON
import Testing

@Suite struct JSONValueTests {
    @Test func objectsKeepTheirOrderAndCompareWithoutIt() throws {
        let parsed = try JSONValue.parse(#"{"b":1,"a":[true,null,"x"],"c":{"z":0,"y":-1.5}}"#)
        #expect(parsed.text == #"{"b":1,"a":[true,null,"x"],"c":{"z":0,"y":-1.5}}"#, "arrival order kept")
        let literal: JSONValue = ["c": ["y": -1.5, "z": 0], "a": [true, nil, "x"], "b": 1]
        #expect(parsed == literal, "equality ignores member order")
        #expect(parsed.hashValue == literal.hashValue)
        #expect(literal.text == #"{"c":{"y":-1.5,"z":0},"a":[true,null,"x"],"b":1}"#, "a literal serializes as written")
        #expect(JSONValue(["b": 1, "a": 2]).text == #"{"a":2,"b":1}"#, "a dictionary's members are sorted")
    }

    @Test func repeatedNamesReadAsTheLastValue() throws {
        let v = try JSONValue.parse(#"{"a":1,"a":2}"#)
        #expect(v["a"] == 2)
    }

    @Test func prettyIsJSONStringifyWithTwoSpaces() {
        let v: JSONValue = ["a": 1, "b": [], "c": ["x\n", [:]], "d": ["e": nil]]
        #expect(String(decoding: v.serialized(pretty: true), as: UTF8.self) ==
            "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": [\n    \"x\\n\",\n    {}\n  ],\n  \"d\": {\n    \"e\": null\n  }\n}")
    }

    @Test func numbersAsJavaScriptWritesThem() {
        #expect(JSONValue.number(9_007_199_254_740_991).text == "9007199254740991")
        #expect(JSONValue.number(-0.0).text == "0")
        #expect(JSONValue.number(.nan).text == "null")
        #expect(JSONValue.number(0.5).text == "0.5")
        #expect(JSONValue.number(1e300).intValue == nil, "never a trap converting")
    }

    @Test func nestingIsLimitedAndLinear() throws {
        let ok = String(repeating: "[", count: JSONParseError.maxDepth - 1) + String(repeating: "]", count: JSONParseError.maxDepth - 1)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
        // 100k levels: rejected at the limit, after reading 512 bytes, not by walking the whole text.
        let deep = String(repeating: #"{"a":"#, count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        for bad in ["", "{", "[1,]", #"{"a"}"#, "nul", "\"\\u12\"", "1 2"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONValue.parse(bad) }
        }
    }

    /// Integers are written digit by digit; the text is ``JSONValue/format(_:)``'s for every number.
    @Test func writtenNumbersMatchTheirFormat() {
        var values: [Double] = [0, -0.0, 1, -1, 7, 10, 42, 99, 100, 1_000_000, 123_456_789, -987_654_321,
                                4_294_967_296, 9_007_199_254_740_991, -9_007_199_254_740_991, 9_007_199_254_740_992,
                                1e21, 0.1, -2.5, 1.0 / 3.0, .infinity, -.infinity, .nan, .greatestFiniteMagnitude]
        var p: Double = 1
        for _ in 0..<54 { values.append(p); values.append(p - 1); values.append(-p); p *= 2 }
        for v in values {
            var out: [UInt8] = []
            JSONValue.writeNumber(v, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == JSONValue.format(v), "\(v)")
        }
    }

    @Test func everyControlCharacterIsEscaped() {
        var s = "q\"b\\"
        var expected = #""q\"b\\"#
        for c in 0..<0x20 {
            s.unicodeScalars.append(Unicode.Scalar(UInt8(c)))
            switch c {
            case 0x08: expected += #"\b"#
            case 0x09: expected += #"\t"#
            case 0x0A: expected += #"\n"#
            case 0x0C: expected += #"\f"#
            case 0x0D: expected += #"\r"#
            default: expected += "\\u00" + String(c >> 4, radix: 16) + String(c & 0xF, radix: 16)
            }
        }
        expected += "é\""
        #expect(JSONValue.string(s + "é").text == expected)
    }
}
