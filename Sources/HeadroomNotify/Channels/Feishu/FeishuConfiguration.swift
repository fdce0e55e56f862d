public import HeadroomCore

/// Settings of a `type: feishu` channel (a Feishu or Lark custom bot).
public struct FeishuConfiguration: Sendable, Hashable {
    /// The bot's hook URL (secret).
    public var endpoint: HTTPEndpoint
    /// YAML `secret:` / `secret_file:`: the signature secret, if the bot verifies signatures.
    public var secret: Secret?
    /// YAML `keyword:`: a custom keyword the bot requires; added to the title when missing.
    public var keyword: String?

    public init(endpoint: HTTPEndpoint, secret: Secret? = nil, keyword: String? = nil) {
        self.endpoint = endpoint
        self.secret = secret
        self.keyword = keyword
    }
}
