import Foundation

/// Numbers as the view prints them.
public enum Units {
    /// `19.5 GiB`, `512.0 MiB`, `3.0 KiB`, `12 B` (binary units, one decimal).
    public static func bytes(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var scaled = value
        var unit = 0
        while abs(scaled) >= 1024 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(scaled)) B" : String(format: "%.1f", scaled) + " " + units[unit]
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
        return String(format: "%.1f/%.1f", used / divisor, total / divisor) + " " + units[unit]
    }

    /// `87%` (rounded), `—` when unknown.
    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return "\(Int(value.rounded()))%"
    }

    /// `3.21`.
    public static func decimal(_ value: Double?, places: Int = 2) -> String {
        guard let value, value.isFinite else { return "—" }
        return String(format: "%.\(places)f", value)
    }

    /// `45s`, `12m`, `3h12m`, `4d3h`: the two largest units.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "—" }
        let total = Int(seconds)
        let (days, hours, minutes) = (total / 86_400, total % 86_400 / 3600, total % 3600 / 60)
        if days > 0 { return "\(days)d\(hours)h" }
        if hours > 0 { return "\(hours)h\(minutes)m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(total)s"
    }
}
