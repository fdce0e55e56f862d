/// How an outgoing HTTPS connection verifies its server and presents itself: a channel's,
/// push's (YAML `tls: {ca_file, cert_file, key_file}`), `headroom top`'s and `headroom
/// backtest`'s (`--ca-file`, `--cert-file`, `--key-file`). The server certificate is always
/// verified.
public struct TLSSettings: Sendable, Hashable {
    /// PEM bundle of the certificate authorities to trust instead of the system's.
    public var caFile: String?
    /// PEM client certificate (chain) to present.
    public var clientCertificateFile: String?
    /// PEM private key of the client certificate.
    public var clientKeyFile: String?

    public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }
}
