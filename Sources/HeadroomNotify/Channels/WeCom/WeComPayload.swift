import Foundation
import HeadroomCore

/// WeCom group-robot bodies and answers (pure).
public enum WeComPayload {
    /// `markdown.content` holds at most 4096 bytes of UTF-8.
    public static let contentLimit = 4096
    /// `45009 api freq out of limit`: over 20 messages a minute.
    public static let rateLimited = 45009

    /// `{"msgtype":"markdown","markdown":{"content":…}}`, content cut to 4096 bytes.
    public static func body(_ message: AlertMessage, idempotencyKey: String) -> [UInt8] {
        let content = ByteLimit.truncate(message.markdown, toBytes: contentLimit)
        return Array(#"{"msgtype":"markdown","markdown":{"content":"#.utf8) + Array(JSONText.quote(content).utf8) + Array("}}".utf8)
    }

    /// Success is `errcode` 0 in a 200 body; 45009 (rate limit) and -1 (system busy) are
    /// retried; every other code (93000 invalid key, 40008 bad message type, …) is permanent.
    public static func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        if let error = ResponseClassifier.status(response, channel: channel) { return error }
        guard let object = ResponseClassifier.jsonObject(response), let code = ResponseClassifier.integer(object, "errcode") else {
            return .retryable("\(channel): WeCom answered without an errcode" + ResponseClassifier.bodyExcerpt(response))
        }
        let message = object["errmsg"] as? String ?? ""
        switch code {
        case 0: return nil
        case rateLimited, -1: return .retryable("\(channel): WeCom errcode \(code): \(message)")
        default: return .permanent("\(channel): WeCom errcode \(code): \(message)")
        }
    }
}
