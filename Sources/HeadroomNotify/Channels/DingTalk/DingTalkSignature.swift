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
        let sign = percentEncode(sign(secret: secret, timestampMilliseconds: timestampMilliseconds))
        let separator = url.contains("?") ? "&" : "?"
        return url + separator + "timestamp=\(timestampMilliseconds)&sign=\(sign)"
    }

    /// Percent-encodes everything but the unreserved characters (so `+`, `/`, `=` are encoded).
    public static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
