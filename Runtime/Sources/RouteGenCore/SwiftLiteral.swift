/// Swift source text for a string value: the value between double quotes, with backslash, double quote,
/// carriage return, line feed and tab escaped and every other control character as `\u{...}`, so any
/// path, pattern or name can be written into generated code.
public enum SwiftLiteral {
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += "\\u{" + String(c.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
