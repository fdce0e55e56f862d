public import HeadroomCore
import Foundation

/// Where an HTTP channel posts to, and how securely: shared by every webhook channel.
public struct HTTPEndpoint: Sendable, Hashable {
    /// YAML `url:` / `url_file:`. Secret: IM robots put their key in it.
    public var url: Secret
    /// YAML `allow_insecure:`, default false: plain `http://` is refused for any host but
    /// the loopback ones unless this is set.
    public var allowInsecure: Bool
    /// YAML `tls:`.
    public var tls: TLSSettings
    /// YAML `timeout:`, default 10 s.
    public var timeout: Duration

    public init(url: Secret, allowInsecure: Bool = false, tls: TLSSettings = TLSSettings(), timeout: Duration = .seconds(10)) {
        self.url = url
        self.allowInsecure = allowInsecure
        self.tls = tls
        self.timeout = timeout
    }

    /// Why `url` may not be used, or nil when it may (pure; the message never shows the URL).
    public static func problem(url: String, allowInsecure: Bool) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            return "is not an absolute http(s) URL"
        }
        switch scheme {
        case "https":
            return nil
        case "http":
            if allowInsecure || isLoopback(host) { return nil }
            return "uses plain http to \(host), which is not a loopback address: use https, or set allow_insecure: true on this channel"
        default:
            return "has scheme \(scheme); use https (or http to a loopback address)"
        }
    }

    /// Whether `host` names this machine (127.0.0.0/8, ::1, localhost).
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The URL to post to, checked. Throws a permanent error that never shows the URL.
    public func resolvedURL(channel: String) throws(DeliveryError) -> String {
        let value = try url.reveal()
        if let problem = Self.problem(url: value, allowInsecure: allowInsecure) {
            throw .permanent("\(channel): the url \(problem)")
        }
        return value
    }
}
