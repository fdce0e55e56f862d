public import HeadroomCore

/// Settings of a `type: dingtalk` channel (a DingTalk custom robot).
public struct DingTalkConfiguration: Sendable, Hashable {
    /// The robot URL with its `access_token` (secret).
    public var endpoint: HTTPEndpoint
    /// YAML `secret:` / `secret_file:`: the `SEC…` signing secret (加签), if the robot uses one.
    public var secret: Secret?
    /// YAML `keyword:`: a custom keyword the robot requires; added to the title when missing.
    public var keyword: String?

    public init(endpoint: HTTPEndpoint, secret: Secret? = nil, keyword: String? = nil) {
        self.endpoint = endpoint
        self.secret = secret
        self.keyword = keyword
    }
}
