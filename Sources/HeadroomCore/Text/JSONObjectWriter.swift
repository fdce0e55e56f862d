/// Writes one JSON object with keys in insertion order.
public struct JSONObjectWriter: Sendable {
    public init() {}

    private var text = "{"
    private var first = true

    public mutating func raw(_ key: String, _ json: String) {
        if !first { text += "," }
        first = false
        text += JSONObjectWriter.quote(key) + ":" + json
    }

    public mutating func string(_ key: String, _ value: String?) {
        raw(key, value.map(JSONObjectWriter.quote) ?? "null")
    }

    public mutating func number(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return raw(key, "null") }
        if value == value.rounded(), abs(value) < 9.0e15 {
            raw(key, String(Int64(value)))
        } else {
            raw(key, "\(value)")
        }
    }

    public func finish() -> String { text + "}" }

    public static func quote(_ value: String) -> String { JSONText.quote(value) }
}

/// JSON string literals for writers that build JSON by hand.
public enum JSONText {
    /// A JSON string literal, escaping quotes, backslashes and control characters.
    public static func quote(_ value: String) -> String { TextEscaping.quoted(value, .json) }
}
