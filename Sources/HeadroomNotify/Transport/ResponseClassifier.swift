import Foundation

/// Shared pieces of response classification (pure).
public enum ResponseClassifier {
    /// nil for 2xx; retryable for 408, 429 and 5xx; permanent otherwise. The message
    /// carries the status and the start of the body, never the URL.
    public static func status(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        switch response.status {
        case 200..<300:
            return nil
        case 408, 429, 500..<600:
            var reason = "\(channel): HTTP \(response.status)"
            if let retryAfter = response.header("Retry-After") { reason += " (Retry-After \(retryAfter))" }
            return .retryable(reason + bodyExcerpt(response))
        default:
            return .permanent("\(channel): HTTP \(response.status)" + bodyExcerpt(response))
        }
    }

    /// `: <first 200 characters of the body>` or nothing.
    static func bodyExcerpt(_ response: HTTPResponse) -> String {
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": " + String(text.prefix(200))
    }

    /// The JSON object of a response body, or nil.
    public static func jsonObject(_ response: HTTPResponse) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
    }

    /// An integer field of a JSON object (`errcode`, `code`, `StatusCode`).
    public static func integer(_ object: [String: Any], _ key: String) -> Int? {
        if let value = object[key] as? Int { return value }
        if let value = object[key] as? Double { return Int(value) }
        if let value = object[key] as? NSNumber { return value.intValue }
        return nil
    }
}
