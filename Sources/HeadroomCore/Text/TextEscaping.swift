/// Escaping text for every format Headroom writes, in one place (pure): backslash escapes
/// for JSON, YAML, Prometheus, selectors and the Influx line protocol; character references
/// for HTML and Slack's mrkdwn.
public enum TextEscaping {
    /// The formats that escape with a backslash.
    public enum Format: Sendable {
        /// JSON strings (RFC 8259): `\"`, `\\`, `\n`, `\r`, `\t`; other C0 controls and
        /// U+2028/U+2029 (which break JavaScript that embeds the text) as `\u00xx`.
        case json
        /// YAML double-quoted scalars: as JSON, but C0 controls, DEL and C1 controls as
        /// `\xXX`, and the line and paragraph separators, BOM and non-characters as `\uXXXX`
        /// (YAML does not accept them raw).
        case yaml
        /// Prometheus exposition label values: `\\`, `\"` and `\n` only.
        case prometheusLabel
        /// Prometheus `# HELP` text: `\\` and `\n` only.
        case prometheusHelp
        /// Headroom's selectors, `metric{label="value"}`: `\\`, `\"`, `\n`, `\t`.
        case selector
        /// Influx line protocol tag keys, tag values and field keys: `,`, `=`, space and `\`
        /// get a backslash; a newline cannot be escaped and becomes an escaped space.
        case influxKey
    }

    /// `text` percent-encoded for a URL's query or path: every byte of its UTF-8 but the
    /// unreserved characters of RFC 3986 (letters, digits, `-._~`), so `+`, `/` and `=` are
    /// encoded too.
    public static func percentEncoded(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + hex(UInt32(byte), digits: 2, uppercase: true)
            }
        }
        return out
    }

    /// `text` between double quotes, escaped for `format`.
    public static func quoted(_ text: String, _ format: Format) -> String {
        "\"" + escaped(text, format) + "\""
    }

    /// `text` escaped for `format`, without quotes. Text with nothing to escape is returned
    /// as it is (the common case: no copy).
    public static func escaped(_ text: String, _ format: Format) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, format) }) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, format) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += format == .influxKey ? "\\ " : "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"", "\\", ",", "=", " ":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if format == .yaml, value < 0x20 || (0x7F...0x9F).contains(value) {
                    out += "\\x" + hex(value, digits: 2, uppercase: true)
                } else {
                    // JSON writers conventionally use lower case (`\u001b`), YAML upper.
                    out += "\\u" + hex(value, digits: 4, uppercase: format == .yaml)
                }
            }
        }
        return out
    }

    /// `&`, `<` and `>` as character references, and `"` too when `quotes` (HTML attribute
    /// values). Slack's mrkdwn escapes exactly the first three.
    public static func markup(_ text: String, quotes: Bool) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || (quotes && $0 == "\"") }) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, _ format: Format) -> Bool {
        let value = scalar.value
        switch format {
        case .prometheusLabel:
            return scalar == "\"" || scalar == "\\" || scalar == "\n"
        case .prometheusHelp:
            return scalar == "\\" || scalar == "\n"
        case .selector:
            return scalar == "\"" || scalar == "\\" || scalar == "\n" || scalar == "\t"
        case .influxKey:
            return scalar == "," || scalar == "=" || scalar == " " || scalar == "\\" || scalar == "\n"
        case .json:
            return scalar == "\"" || scalar == "\\" || value < 0x20 || value == 0x2028 || value == 0x2029
        case .yaml:
            return scalar == "\"" || scalar == "\\" || value < 0x20 || (0x7F...0x9F).contains(value)
                || value == 0x2028 || value == 0x2029 || value == 0xFEFF || value == 0xFFFE || value == 0xFFFF
        }
    }

    private static func hex(_ value: UInt32, digits: Int, uppercase: Bool) -> String {
        let text = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
