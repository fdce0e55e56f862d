package import HeadroomConfigSyntax
import HeadroomCore

/// The endpoint keys every webhook-like channel takes, read and written in one place.
extension HTTPEndpoint {
    /// `url` or `url_file`, `allow_insecure`, `tls`, `timeout`.
    package static let keys = ["url", "url_file", "allow_insecure", "tls", "timeout"]

    /// An inline URL is checked here (HTTPS unless loopback or allowed), one from a file when
    /// it is read. Nil without a URL.
    package init?(decoding fields: Fields, reader: inout NodeReader) {
        guard let url = reader.secret(fields, "url") else {
            reader.report(fields.node, fields.path("url"), "this channel needs a `url` (or `url_file` naming a file that holds it)")
            return nil
        }
        self.init(url: url, allowInsecure: reader.bool(fields, "allow_insecure") ?? false)
        if let value = url.inlineValue, let problem = Self.problem(url: value, allowInsecure: allowInsecure) {
            reader.report(fields["url"] ?? fields.node, fields.path("url"), "the url \(problem)")
        }
        if let timeout = reader.duration(fields, "timeout", minimum: .milliseconds(100)) { self.timeout = timeout }
        if let tls = TLSSettings(decoding: fields, reader: &reader) { self.tls = tls }
    }

    /// `url` (as `"<secret>"`, or `url_file` with its path), `allow_insecure`, `timeout`, `tls`.
    package func render(into out: inout YAMLLines) {
        out.secret("url", url, indent: "    ")
        out.append("    allow_insecure: \(allowInsecure)")
        out.append("    timeout: \(YAMLText.duration(timeout))")
        tls.render(into: &out)
    }
}

extension TLSSettings {
    /// The keys of `tls:`.
    package static let keys = ["ca_file", "cert_file", "key_file"]

    /// The `tls: {ca_file, cert_file, key_file}` mapping of `fields`; nil when absent or
    /// invalid. A client certificate without its key, or the reverse, is reported.
    package init?(decoding fields: Fields, reader: inout NodeReader) {
        guard let tls = reader.fields(fields, "tls", allowed: Self.keys, expected: "{ca_file, cert_file, key_file}") else { return nil }
        self.init(
            caFile: reader.string(tls, "ca_file"), clientCertificateFile: reader.string(tls, "cert_file"),
            clientKeyFile: reader.string(tls, "key_file"))
        if (clientCertificateFile == nil) != (clientKeyFile == nil), let node = fields["tls"] {
            reader.report(node, fields.path("tls"), "cert_file and key_file go together: give both or neither")
        }
    }

    /// `tls: {…}` with the files that are set, at `indent`; nothing when none is.
    package func render(into out: inout YAMLLines, indent: String = "    ") {
        let files = [("ca_file", caFile), ("cert_file", clientCertificateFile), ("key_file", clientKeyFile)]
            .compactMap { key, value in value.map { "\(key): \(YAMLText.string($0))" } }
        if !files.isEmpty { out.append("\(indent)tls: {\(files.joined(separator: ", "))}") }
    }
}
