import Synchronization

/// The `Date` response header (RFC 9110 IMF-fixdate, "Thu, 03 Dec 2026 16:57:43 GMT"),
/// formatted when a response asks for it and reused within the same second. Hummingbird's
/// `Application` keeps the header fresh with a task that wakes the process every second,
/// scraped or not; Headroom's server does not run that task (`HTTPServer`).
final class HTTPDate: Sendable {
    private let cached = Mutex<(second: Int, text: String)>((Int.min, ""))

    /// The header for `secondsSince1970` (Unix time).
    func header(secondsSince1970: Int) -> String {
        if let hit = cached.withLock({ $0.second == secondsSince1970 ? $0.text : nil }) { return hit }
        let text = Self.format(secondsSince1970)
        cached.withLock { $0 = (secondsSince1970, text) }
        return text
    }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"] // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate of a Unix time, in UTC (days to civil date: Howard Hinnant's algorithm).
    static func format(_ secondsSince1970: Int) -> String {
        let days = secondsSince1970 >= 0 ? secondsSince1970 / 86_400 : (secondsSince1970 - 86_399) / 86_400
        let secondOfDay = secondsSince1970 - days * 86_400
        let weekday = weekdays[((days % 7) + 7) % 7]
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekday), \(two(day)) \(months[month - 1]) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }
}
