/// The HTTP server's settings (YAML `server:`).
public struct ServerSettings: Sendable, Hashable {
    /// Serve at all (YAML `server.enabled`, default true).
    public var enabled: Bool
    /// Where to listen (YAML `server.listen`, default `127.0.0.1:19400`).
    public var listen: ListenAddress
    /// Bearer token mutating endpoints require (YAML `server.token`, default none: they are refused).
    public var token: String?
    /// Allow a non-loopback `listen` without a token (YAML `server.insecure`, default false).
    public var insecure: Bool

    public init(enabled: Bool = true, listen: ListenAddress = .default, token: String? = nil, insecure: Bool = false) {
        self.enabled = enabled
        self.listen = listen
        self.token = token
        self.insecure = insecure
    }

    /// Why these settings must not be used, or nil: a non-loopback address needs a token or
    /// an explicit `insecure: true`.
    public var exposureProblem: String? {
        guard enabled, !listen.isLoopback, token == nil, !insecure else { return nil }
        return "listening on \(listen) (reachable from other machines) needs server.token (HEADROOM_SERVER_TOKEN), "
            + "or server.insecure: true to accept that anyone who can reach it reads the host's metrics"
    }
}
