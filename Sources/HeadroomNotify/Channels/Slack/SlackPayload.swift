import Foundation
import HeadroomCore

/// Slack incoming-webhook bodies and answers (pure).
public enum SlackPayload {
    /// Slack truncates `text` at 40,000 characters.
    public static let textLimit = 40_000
    /// A section block's text holds at most 3,000 characters.
    public static let sectionLimit = 3_000

    /// `{"text": fallback, "blocks": [header, section]}`.
    public static func body(_ message: AlertMessage) -> [UInt8] {
        let fallback = ByteLimit.truncate(message.title + "\n" + message.lines.joined(separator: "\n"), toCharacters: textLimit)
        let section = ByteLimit.truncate(message.lines.map { "• " + escape($0) }.joined(separator: "\n"), toCharacters: sectionLimit)
        var header = JSONObjectWriter()
        header.string("type", "header")
        header.raw("text", #"{"type":"plain_text","text":"# + JSONText.quote(ByteLimit.truncate(message.title, toCharacters: 150)) + "}")
        var block = JSONObjectWriter()
        block.string("type", "section")
        block.raw("text", #"{"type":"mrkdwn","text":"# + JSONText.quote(section) + "}")
        var root = JSONObjectWriter()
        root.string("text", fallback)
        root.raw("blocks", "[" + header.finish() + "," + block.finish() + "]")
        return Array(root.finish().utf8)
    }

    /// Slack's mrkdwn escapes: `&`, `<`, `>`.
    static func escape(_ text: String) -> String {
        TextEscaping.markup(text, quotes: false)
    }

    /// Success is HTTP 200 with the body `ok`; 429 and 5xx are retried; anything else
    /// (`invalid_payload`, `invalid_token`, `channel_not_found`, …) is permanent.
    public static func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        if let error = ResponseClassifier.status(response, channel: channel) { return error }
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        if text == "ok" { return nil }
        return .permanent("\(channel): Slack answered \(text.isEmpty ? "an empty body" : String(text.prefix(200))) instead of ok")
    }
}
