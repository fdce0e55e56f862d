public import HeadroomCore

/// Settings of a `type: email` channel (SMTP submission).
public struct EmailConfiguration: Sendable, Hashable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// Plain connection upgraded with STARTTLS before anything else (port 587). Refused
        /// if the server does not offer it.
        case starttls
        /// TLS from the first byte (port 465).
        case tls
        /// No encryption: only to a loopback server, or with `allow_insecure: true`.
        case none
    }

    /// YAML `host:`.
    public var host: String
    /// YAML `port:`, default 587 (465 for `security: tls`, 25 for `none`).
    public var port: Int
    /// YAML `security:`, default `starttls`.
    public var security: Security
    /// YAML `username:`; with it, `password:` / `password_file:` (AUTH PLAIN, else LOGIN).
    public var username: String?
    public var password: Secret?
    /// YAML `from:` (the envelope sender and the From header).
    public var from: String
    /// YAML `to:` (one address or a list).
    public var to: [String]
    /// YAML `allow_insecure:`.
    public var allowInsecure: Bool
    /// YAML `tls:`.
    public var tls: TLSSettings
    /// YAML `timeout:`, default 30 s for the whole conversation.
    public var timeout: Duration

    public init(
        host: String, port: Int? = nil, security: Security = .starttls, username: String? = nil, password: Secret? = nil,
        from: String, to: [String], allowInsecure: Bool = false, tls: TLSSettings = TLSSettings(), timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port ?? (security == .tls ? 465 : security == .starttls ? 587 : 25)
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.to = to
        self.allowInsecure = allowInsecure
        self.tls = tls
        self.timeout = timeout
    }
}
