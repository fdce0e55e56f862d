/// Settings of a `type: wecom` channel (a WeCom group robot; the `key` in the URL is the secret).
public struct WeComConfiguration: Sendable, Hashable {
    public var endpoint: HTTPEndpoint

    public init(endpoint: HTTPEndpoint) {
        self.endpoint = endpoint
    }
}
