import Foundation
import HeadroomCore

/// DingTalk custom-robot bodies and answers (pure).
public enum DingTalkPayload {
    /// Markdown text budget in bytes (DingTalk rejects very long messages; 20,000 bytes
    /// stays well inside what it accepts).
    public static let textLimit = 20_000
    /// `130101 send too fast, exceed 20 times per minute`.
    public static let rateLimited = 130_101
    /// `310000`: security check failed (signature, keyword or IP allowlist).
    public static let securityCheckFailed = 310_000

    /// `{"msgtype":"markdown","markdown":{"title":…,"text":…}}`; a required keyword missing
    /// from the message is put in front of the title.
    public static func body(_ message: AlertMessage, keyword: String?) -> [UInt8] {
        var title = message.title
        if let keyword, !keyword.isEmpty, !(message.title + message.markdown).contains(keyword) {
            title = "\(keyword) \(title)"
        }
        let text = ByteLimit.truncate(AlertMessage(title: title, lines: message.lines).markdown, toBytes: textLimit)
        var markdown = JSONObjectWriter()
        markdown.string("title", title)
        markdown.string("text", text)
        var root = JSONObjectWriter()
        root.string("msgtype", "markdown")
        root.raw("markdown", markdown.finish())
        return Array(root.finish().utf8)
    }

    /// Success is `errcode` 0 in a 200 body. 130101 (throttled) is retried; 310000 (signature,
    /// keyword or IP check failed) and every other code are permanent.
    public static func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        if let error = ResponseClassifier.status(response, channel: channel) { return error }
        guard let object = ResponseClassifier.jsonObject(response), let code = ResponseClassifier.integer(object, "errcode") else {
            return .retryable("\(channel): DingTalk answered without an errcode" + ResponseClassifier.bodyExcerpt(response))
        }
        let message = object["errmsg"] as? String ?? ""
        switch code {
        case 0: return nil
        case rateLimited, -1: return .retryable("\(channel): DingTalk errcode \(code): \(message)")
        case securityCheckFailed:
            return .permanent(
                "\(channel): DingTalk errcode \(code): \(message): the security check failed; check the robot's secret (sign), keyword and IP allowlist")
        default: return .permanent("\(channel): DingTalk errcode \(code): \(message)")
        }
    }
}
