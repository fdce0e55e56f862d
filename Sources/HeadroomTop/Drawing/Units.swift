import HeadroomCore

/// Numbers as the view prints them: the notifications' formats (`MessageFormat`,
/// `HumanDuration`), with `—` for a value not known.
public enum Units {
    /// `19.5 GiB`, `512.0 MiB`, `3.0 KiB`, `12 B` (binary units, one decimal).
    public static func bytes(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return MessageFormat.bytes(value)
    }

    /// `19.5/24.0 GiB`: both in the larger value's unit.
    public static func bytesPair(_ used: Double?, _ total: Double?) -> String {
        guard let used, let total, used.isFinite, total.isFinite, total > 0 else { return bytes(used) }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var unit = 0
        var divisor = 1.0
        while total / divisor >= 1024 && unit < units.count - 1 {
            divisor *= 1024
            unit += 1
        }
        return MessageFormat.number(used / divisor, decimals: 1) + "/" + MessageFormat.number(total / divisor, decimals: 1) + " " + units[unit]
    }

    /// `87%` (rounded), `—` when unknown.
    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return "\(Int(value.rounded()))%"
    }

    /// `3.21`.
    public static func decimal(_ value: Double?, places: Int = 2) -> String {
        guard let value, value.isFinite else { return "—" }
        return MessageFormat.number(value, decimals: places)
    }

    /// `45s`, `12m`, `3h12m`, `4d3h`: `HumanDuration` in whole seconds, and in whole minutes
    /// from a minute on (a column that ticks every second would redraw for nothing).
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "—" }
        return HumanDuration.format(seconds: seconds >= 60 ? (seconds / 60).rounded(.down) * 60 : seconds.rounded(.down))
    }
}
