/// Settings of a `type: slack` channel (an incoming webhook; the URL is the secret).
public struct SlackConfiguration: Sendable, Hashable {
    public var endpoint: HTTPEndpoint

    public init(endpoint: HTTPEndpoint) {
        self.endpoint = endpoint
    }
}
