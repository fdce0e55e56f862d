import Foundation

/// Tolerant reads from `JSONSerialization`'s output: a missing or mistyped key is nil, and
/// keys this version does not know are ignored, so a newer daemon's extra fields never break
/// an older `headroom top`.
enum JSONValue {
    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    static func array(_ bytes: [UInt8]) -> [Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [Any]
    }

    /// A number, or a number written as a string (Prometheus writes sample values as strings).
    static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return Double(text) }
        return nil
    }

    static func labels(_ value: Any?) -> [String: String] {
        guard let object = value as? [String: Any] else { return [:] }
        var labels: [String: String] = [:]
        for (name, value) in object {
            if let text = value as? String { labels[name] = text }
        }
        return labels
    }
}
