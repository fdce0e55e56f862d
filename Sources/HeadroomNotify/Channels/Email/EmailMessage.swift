public import Foundation
import HeadroomCore

/// A MIME message (RFC 5322 + 2045/2047): UTF-8 subject as an encoded word when needed,
/// Date and Message-ID, multipart/alternative with a plain and an HTML part, each Base64
/// (pure: time, id and boundary are inputs).
public struct EmailMessage: Sendable, Hashable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var plain: String
    public var html: String
    public var date: Date
    public var messageID: String
    public var boundary: String
    public var extraHeaders: [(String, String)] = []

    public static func == (lhs: EmailMessage, rhs: EmailMessage) -> Bool { lhs.rendered == rhs.rendered }
    public func hash(into hasher: inout Hasher) { hasher.combine(rendered) }

    public init(from: String, to: [String], subject: String, plain: String, html: String, date: Date, messageID: String, boundary: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.plain = plain
        self.html = html
        self.date = date
        self.messageID = messageID
        self.boundary = boundary
    }

    /// The message of one notification (or a digest).
    public static func make(
        _ message: AlertMessage, from: String, to: [String], date: Date, messageID: String, boundary: String,
        idempotencyKey: String
    ) -> EmailMessage {
        let plain = message.lines.joined(separator: "\n") + "\n"
        let items = message.lines.map { "<li>" + escapeHTML($0) + "</li>" }.joined()
        let html = "<!DOCTYPE html><html><body><h3>" + escapeHTML(message.title) + "</h3><ul>" + items + "</ul></body></html>\n"
        var email = EmailMessage(
            from: from, to: to, subject: message.title, plain: plain, html: html, date: date,
            messageID: messageID, boundary: boundary)
        email.extraHeaders = [("X-Headroom-Idempotency-Key", idempotencyKey)]
        return email
    }

    /// The message with CRLF line ends, ready for DATA (before dot-stuffing).
    public var rendered: String {
        var lines = [
            "From: " + from,
            "To: " + to.joined(separator: ", "),
            "Subject: " + Self.encodedWord(subject),
            "Date: " + Self.rfc5322(date),
            "Message-ID: <" + messageID + ">",
            "MIME-Version: 1.0",
        ]
        lines += extraHeaders.map { "\($0.0): \($0.1)" }
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        for (type, body) in [("text/plain", plain), ("text/html", html)] {
            lines.append("--" + boundary)
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines += Self.base64Lines(Array(body.utf8))
        }
        lines.append("--" + boundary + "--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// ASCII text as is; anything else as RFC 2047 `=?UTF-8?B?…?=` words of at most 75
    /// characters, split between characters, folded with CRLF + space.
    public static func encodedWord(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) && text.count <= 900 { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 45 bytes → 60 Base64 characters + 12 of wrapping = 72 ≤ 75.
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `Wed, 15 Jan 2027 08:00:10 +0000`.
    public static func rfc5322(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String {
            let text = String(value ?? 0)
            return text.count < 2 ? "0" + text : text
        }
        return "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 0) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    static func escapeHTML(_ text: String) -> String {
        TextEscaping.markup(text, quotes: true)
    }
}
