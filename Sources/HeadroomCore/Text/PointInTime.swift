public import Foundation

/// A moment as a person or a client writes it on a command line or in a query: an RFC 3339
/// time (`2026-12-04T03:00:00Z`), Unix seconds (`1764817200`, `1764817200.5`), or a duration
/// before now (`6h`, `90m`, `2d`).
public enum PointInTime {
    public static func parse(_ text: String, now: Date) -> Date? {
        let trimmed = text.trimmingWhitespace()
        if let date = RFC3339.parse(trimmed) { return date }
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 { return Date(timeIntervalSince1970: seconds) }
        if let ago = HumanDuration.parse(trimmed) { return now.addingTimeInterval(-ago.headroomSeconds) }
        return nil
    }
}
