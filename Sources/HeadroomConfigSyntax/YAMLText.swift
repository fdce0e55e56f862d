package import HeadroomCore

/// Writes values as YAML text that the loader reads back exactly.
package enum YAMLText {
    /// Words a plain scalar cannot be without changing meaning for a reader (null, booleans).
    private static let reservedWords: Set<String> = ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"]

    /// `text` unquoted when that is unambiguous (`cpu_overload`, `/var/log/a.jsonl`), else quoted.
    package static func string(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/": true
            default: false
            }
        }
        guard safe, let first = text.unicodeScalars.first, first != "-", first != ".",
            !reservedWords.contains(text.lowercased()), Double(text) == nil
        else { return quoted(text) }
        return text
    }

    /// A double-quoted scalar. Escapes everything YAML does not accept raw: control
    /// characters, DEL and C1 controls, line and paragraph separators, BOM and non-characters.
    package static func quoted(_ text: String) -> String { TextEscaping.quoted(text, .yaml) }

    /// A secret as written: never its value, always `"<secret>"`. Whatever holds a secret
    /// (a webhook's URL, a password, a token) is written through this or `YAMLLines.secret`.
    package static func secret(_: Secret) -> String { quoted(Secret.redacted) }

    /// Shortest text that parses back to the same `Double`: `90`, `0.8`, `1e-07`.
    package static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Exact and readable: `5s`, `1h30m`, `1s500ms`, `0s`. Sub-millisecond parts are dropped
    /// (configuration durations are whole milliseconds).
    package static func duration(_ value: Duration) -> String {
        let parts = value.components
        var milliseconds = parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where milliseconds >= size {
            text += "\(milliseconds / size)\(unit)"
            milliseconds %= size
        }
        return text
    }
}
