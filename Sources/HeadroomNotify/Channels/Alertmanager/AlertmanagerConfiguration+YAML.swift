package import HeadroomConfigSyntax
import HeadroomCore

extension AlertmanagerConfiguration: ChannelYAML {
    package static let type = "alertmanager"
    package static let keys = ["url", "allow_insecure", "tls", "timeout", "resend_interval"]

    package var settings: ChannelSettings { .alertmanager(self) }

    /// `url:` one base URL or a list; `allow_insecure`, `timeout` and `tls` apply to each.
    package init?(decoding fields: Fields, reader: inout NodeReader) {
        guard let node = fields["url"], let urls = reader.names(node, fields.path("url")), !urls.isEmpty else {
            reader.report(fields.node, fields.path("url"), "an alertmanager channel needs url: one base URL or a list, e.g. http://alertmanager:9093")
            return nil
        }
        let allowInsecure = reader.bool(fields, "allow_insecure") ?? false
        for (url, _) in urls {
            if let problem = HTTPEndpoint.problem(url: url, allowInsecure: allowInsecure) {
                reader.report(node, fields.path("url"), "the url \(problem)")
            }
        }
        let timeout = reader.duration(fields, "timeout", minimum: .milliseconds(100))
        let tls = TLSSettings(decoding: fields, reader: &reader)
        self.init(
            endpoints: urls.map { url, _ in
                var endpoint = HTTPEndpoint(url: Secret(url), allowInsecure: allowInsecure)
                if let timeout { endpoint.timeout = timeout }
                if let tls { endpoint.tls = tls }
                return endpoint
            })
        if let interval = reader.duration(fields, "resend_interval", minimum: .seconds(1)) { resendInterval = interval }
    }

    /// The URLs as `"<secret>"`; `allow_insecure`, `timeout` and `tls` of the first (they are
    /// the same for all).
    package func render(into out: inout YAMLLines) {
        out.append("    url: [\(endpoints.map { YAMLText.secret($0.url) }.joined(separator: ", "))]")
        out.append("    resend_interval: \(YAMLText.duration(resendInterval))")
        if let first = endpoints.first {
            out.append("    allow_insecure: \(first.allowInsecure)")
            out.append("    timeout: \(YAMLText.duration(first.timeout))")
            first.tls.render(into: &out)
        }
    }
}
