/// Sample values and timestamps as the Prometheus HTTP API writes them.
enum PrometheusValue {
    /// `v` as Go's `strconv.FormatFloat(v, 'f', -1, 64)` does: the shortest digits that read
    /// back to `v`, never an exponent (`0.00001`, `150000000000000000000`), and `NaN`, `+Inf`,
    /// `-Inf`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        // Swift's description has the same shortest round-trip digits, sometimes with an
        // exponent (`1e-05`, `1.5e+20`) and a trailing `.0`: move the point instead.
        var text = Substring(value.description)
        let negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let mark = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: mark)...]) ?? 0
            text = text[..<mark]
        }
        var digits = Array(text.filter { $0 != "." })
        var point = (text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? text.count) + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0" }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count { return sign + String(digits) + String(repeating: "0", count: point - digits.count) }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }

    /// Unix milliseconds as float seconds with at most three decimals, written exactly from
    /// the integer (`1435781430781` → `1435781430.781`, `1000` → `1`), as Prometheus does.
    static func timestamp(_ milliseconds: Int64) -> String {
        let magnitude = milliseconds.magnitude
        var text = (milliseconds < 0 ? "-" : "") + String(magnitude / 1000)
        var fraction = magnitude % 1000
        guard fraction != 0 else { return text }
        var width = 3
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        let digits = String(fraction)
        text += "." + String(repeating: "0", count: width - digits.count) + digits
        return text
    }
}
