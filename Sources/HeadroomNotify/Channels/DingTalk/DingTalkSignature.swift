import HeadroomCore

/// DingTalk's `sign` (加签): HMAC-SHA256 keyed with the secret over
/// `timestamp + "\n" + secret`, Base64, then percent-encoded; `timestamp` is Unix time in
/// milliseconds. Both go into the query string (pure).
public enum DingTalkSignature {
    /// The Base64 signature (not yet percent-encoded).
    public static func sign(secret: String, timestampMilliseconds: Int64) -> String {
        HMACSHA256.base64(HMACSHA256.mac(key: secret, message: "\(timestampMilliseconds)\n\(secret)"))
    }

    /// `url` with `&timestamp=…&sign=…` appended.
    public static func signedURL(_ url: String, secret: String, timestampMilliseconds: Int64) -> String {
        let sign = TextEscaping.percentEncoded(sign(secret: secret, timestampMilliseconds: timestampMilliseconds))
        let separator = url.contains("?") ? "&" : "?"
        return url + separator + "timestamp=\(timestampMilliseconds)&sign=\(sign)"
    }
}
