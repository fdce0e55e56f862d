/// Renders and parses durations the way configuration and messages write them.
public enum HumanDuration {
    /// `45s`, `10m`, `1h5m`, `2d3h`; below 10 s, to the nearest tenth (`9.5s`), with a whole
    /// second written whole: a hold of three samples at 1 s lasts 2.003 s, and reads `2s`.
    public static func format(seconds: Double) -> String {
        if seconds.isNaN || seconds.isInfinite { return "∞" }
        if seconds < 10 {
            let tenths = (seconds * 10).rounded()
            if tenths.truncatingRemainder(dividingBy: 10) != 0 { return String(tenths / 10) + "s" }
        }
        var rest = Int(seconds.rounded())
        let days = rest / 86_400
        rest %= 86_400
        let hours = rest / 3_600
        rest %= 3_600
        let minutes = rest / 60
        rest %= 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0, days == 0 { parts.append("\(minutes)m") }
        if rest > 0, days == 0, hours == 0 { parts.append("\(rest)s") }
        return parts.isEmpty ? "0s" : parts.joined()
    }

    /// Parses `500ms`, `10s`, `5m`, `1h30m`, `2d`, or a bare number of seconds.
    /// Returns nil for anything else (negative, empty, unknown unit).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { return nil }
        if let seconds = Double(trimmed) {
            return seconds >= 0 && seconds.isFinite ? .milliseconds(Int64((seconds * 1000).rounded())) : nil
        }
        var totalMilliseconds = 0.0
        var number = ""
        var unit = ""
        func flush() -> Bool {
            guard let value = Double(number), value >= 0 else { return false }
            let factor: Double
            switch unit {
            case "ms": factor = 1
            case "s": factor = 1_000
            case "m": factor = 60_000
            case "h": factor = 3_600_000
            case "d": factor = 86_400_000
            default: return false
            }
            totalMilliseconds += value * factor
            number = ""
            unit = ""
            return true
        }
        for character in trimmed {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        guard flush() else { return nil }
        return .milliseconds(Int64(totalMilliseconds.rounded()))
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    package func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
