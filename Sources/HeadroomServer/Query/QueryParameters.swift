import HeadroomCore
import Foundation

/// The parameters of a history request, from its URL query and, for POST, its
/// `application/x-www-form-urlencoded` body (pure), read the way Prometheus reads them.
struct QueryParameters {
    /// Every `name=value` pair, the body's first (Go's `Request.Form` order).
    var pairs: [(name: String, value: String)]

    init(query: String?, body: String? = nil) {
        pairs = Self.decode(body ?? "") + Self.decode(query ?? "")
    }

    /// The first value of `name`.
    func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name` (`match[]` repeats).
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// `a=1&b=x+y&match%5B%5D=m` → pairs, with `+` as a space and `%XX` decoded as UTF-8.
    static func decode(_ form: String) -> [(name: String, value: String)] {
        form.split(separator: "&").compactMap { field in
            guard !field.isEmpty else { return nil }
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (unescape(parts[0]), parts.count > 1 ? unescape(parts[1]) : "")
        }
    }

    private static func unescape(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: - Typed values

    /// Times beyond ±10,000 years are refused (they would overflow millisecond arithmetic).
    private static let timeLimitSeconds = 315_569_520_000.0

    /// The time `name` in Unix milliseconds: float seconds (`1435781430.781`, rounded to the
    /// millisecond) or RFC 3339 (`2015-07-01T20:10:30.781Z`); `fallback` when absent.
    func time(_ name: String, fallback: Int64? = nil) throws(QueryError) -> Int64 {
        let text = first(name) ?? ""
        if text.isEmpty, let fallback { return fallback }
        if let seconds = Double(text), seconds.isFinite, abs(seconds) < Self.timeLimitSeconds {
            let whole = seconds.rounded(.towardZero)
            return Int64(whole) * 1000 + Int64(((seconds - whole) * 1000).rounded())
        }
        if let date = RFC3339.parse(text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        throw .invalidParameter(name, "cannot parse \(JSONText.quote(text)) to a valid timestamp")
    }

    /// The time `name`, or nil when the request does not give it.
    func optionalTime(_ name: String) throws(QueryError) -> Int64? {
        guard let text = first(name), !text.isEmpty else { return nil }
        return try time(name)
    }

    /// The `step` in milliseconds: float seconds (`15`, `0.5`) or a duration (`15s`, `1m`, `1h30m`).
    func step() throws(QueryError) -> Int64 {
        let text = first("step") ?? ""
        if let seconds = Double(text), seconds.isFinite, seconds <= 0 {
            throw .badData("zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard let duration = HumanDuration.parse(text), let milliseconds = Self.milliseconds(duration) else {
            throw .invalidParameter("step", "cannot parse \(JSONText.quote(text)) to a valid duration")
        }
        return milliseconds
    }

    private static func milliseconds(_ duration: Duration) -> Int64? {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : product + attoseconds / 1_000_000_000_000_000
    }
}
