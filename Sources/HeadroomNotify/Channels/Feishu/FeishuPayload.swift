import Foundation
public import HeadroomCore

/// Feishu/Lark custom-bot bodies, signature and answers (pure).
public enum FeishuPayload {
    /// A request body may be at most 20 KB.
    public static let bodyLimit = 20 * 1024
    /// `11232`: throttled.
    public static let rateLimited = 11232
    /// `19021`: signature mismatch or timestamp more than an hour off.
    public static let signatureFailed = 19021

    /// Feishu's signature: HMAC-SHA256 keyed with `timestamp + "\n" + secret` over the empty
    /// message, Base64; `timestamp` is Unix time in seconds.
    public static func sign(secret: String, timestampSeconds: Int64) -> String {
        HMACSHA256.base64(HMACSHA256.mac(key: Array("\(timestampSeconds)\n\(secret)".utf8), message: []))
    }

    /// An interactive card with a coloured header and the lines as Markdown; `timestamp` and
    /// `sign` first when signing. The Markdown is cut so the whole body stays under 20 KB.
    public static func body(
        _ message: AlertMessage, severity: Severity, resolved: Bool, keyword: String?,
        signature: (timestamp: Int64, sign: String)?
    ) -> [UInt8] {
        var title = message.title
        if let keyword, !keyword.isEmpty, !(message.title + message.markdown).contains(keyword) {
            title = "\(keyword) \(title)"
        }
        let template = resolved ? "green" : (severity == .critical ? "red" : (severity == .warning ? "orange" : "blue"))
        func render(_ content: String) -> String {
            var root = JSONObjectWriter()
            if let signature {
                root.string("timestamp", String(signature.timestamp))
                root.string("sign", signature.sign)
            }
            root.string("msg_type", "interactive")
            let header = #"{"title":{"tag":"plain_text","content":"# + JSONText.quote(title) + #"},"template":"# + JSONText.quote(template) + "}"
            let element = #"{"tag":"markdown","content":"# + JSONText.quote(content) + "}"
            root.raw("card", #"{"header":"# + header + #","elements":["# + element + "]}")
            return root.finish()
        }
        let content = message.lines.map { "- " + $0 }.joined(separator: "\n")
        let full = render(content)
        guard full.utf8.count > bodyLimit else { return Array(full.utf8) }
        // JSON escaping grows the text by an amount that depends on it: search for the
        // largest content budget whose body fits.
        var low = 0
        var high = content.utf8.count
        var best = render(ByteLimit.truncate(content, toBytes: 0))
        while low <= high {
            let middle = (low + high) / 2
            let candidate = render(ByteLimit.truncate(content, toBytes: middle))
            if candidate.utf8.count <= bodyLimit {
                best = candidate
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return Array(best.utf8)
    }

    /// Success is `code` (or the legacy `StatusCode`) 0 in a 200 body. 11232 (throttled) is
    /// retried; 19021 (signature), 19022 (IP), 19024 (keyword), 9499 (bad request) and every
    /// other code are permanent.
    public static func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        if let error = ResponseClassifier.status(response, channel: channel) { return error }
        guard let object = ResponseClassifier.jsonObject(response),
            let code = ResponseClassifier.integer(object, "code") ?? ResponseClassifier.integer(object, "StatusCode")
        else {
            return .retryable("\(channel): Feishu answered without a code" + ResponseClassifier.bodyExcerpt(response))
        }
        let message = object["msg"] as? String ?? object["StatusMessage"] as? String ?? ""
        switch code {
        case 0: return nil
        case rateLimited: return .retryable("\(channel): Feishu code \(code): \(message)")
        case signatureFailed:
            return .permanent("\(channel): Feishu code \(code): \(message): check the bot's secret and this machine's clock")
        default: return .permanent("\(channel): Feishu code \(code): \(message)")
        }
    }
}
