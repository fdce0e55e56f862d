/// The HTTP server's settings (YAML `server:`, `HEADROOM_SERVER_*`).
public struct ServerSettings: Sendable, Hashable {
    /// Serve at all (YAML `server.enabled`, default true).
    public var enabled: Bool
    /// Where to listen (YAML `server.listen`, default `127.0.0.1:19400`).
    public var listen: ListenAddress
    /// Bearer token mutating endpoints require (YAML `server.token`, default none: they are
    /// refused), or the file holding it (`server.token_file`), read when a mutating request
    /// is checked so a rotated token applies without a restart.
    public var token: Secret?
    /// Allow a non-loopback `listen` without a token (YAML `server.insecure`, default false).
    public var insecure: Bool
    /// Serve HTTPS instead of HTTP (YAML `server.tls`, default none).
    public var tls: ServerTLSSettings?

    public init(
        enabled: Bool = true, listen: ListenAddress = .default, token: Secret? = nil,
        insecure: Bool = false, tls: ServerTLSSettings? = nil
    ) {
        self.enabled = enabled
        self.listen = listen
        self.token = token
        self.insecure = insecure
        self.tls = tls
    }

    /// Why these settings must not be used, or nil: a non-loopback address needs a token,
    /// client certificates (`tls.client_ca_file`) or an explicit `insecure: true`.
    public var exposureProblem: String? {
        guard enabled, !listen.isLoopback, token == nil, tls?.clientCAFile == nil, !insecure else { return nil }
        return "listening on \(listen) (reachable from other machines) needs server.token (HEADROOM_SERVER_TOKEN) or server.token_file "
            + "or client certificates (server.tls.client_ca_file), "
            + "or server.insecure: true to accept that anyone who can reach it reads the host's metrics"
    }
}

/// HTTPS for the server (YAML `server.tls: {cert_file, key_file, client_ca_file}`). The files
/// are read when the server starts and again whenever one of them changes on disk, so a
/// rotated certificate (cert-manager, a renewed Let's Encrypt chain) is served without a restart.
public struct ServerTLSSettings: Sendable, Hashable {
    /// PEM certificate chain, leaf first.
    public var certificateFile: String
    /// PEM private key of the leaf certificate.
    public var keyFile: String
    /// PEM CA bundle: when set, clients must present a certificate it signed (mutual TLS).
    public var clientCAFile: String?

    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}
