package import HeadroomConfigSyntax
import HeadroomCore

extension EmailConfiguration: ChannelYAML {
    package static let type = "email"
    package static let keys = [
        "host", "port", "security", "username", "password", "password_file", "from", "to", "allow_insecure", "tls", "timeout",
    ]

    package var settings: ChannelSettings { .email(self) }

    /// `host`, `port`, `security`, `username` + `password[_file]`, `from`, `to` (one or a list).
    package init?(decoding fields: Fields, reader: inout NodeReader) {
        let host = reader.string(fields, "host", expected: "a host name")
        let from = reader.string(fields, "from", expected: "an address")
        var to: [String] = []
        if let node = fields["to"], let names = reader.names(node, fields.path("to")) { to = names.map(\.name) }
        guard let host, let from, !to.isEmpty else {
            reader.report(fields.node, fields.path, "an email channel needs host, from and to (an address or a list)")
            return nil
        }
        let security = reader.choice(fields, "security", Security.self) ?? .starttls
        self.init(
            host: host, port: reader.integer(fields, "port", range: 1...65535), security: security,
            username: reader.string(fields, "username"), password: reader.secret(fields, "password"),
            from: from, to: to, allowInsecure: reader.bool(fields, "allow_insecure") ?? false)
        if security == .none, !allowInsecure, !HTTPEndpoint.isLoopback(host), let node = fields["security"] {
            reader.report(
                node, fields.path("security"),
                "none sends mail (and any password) unencrypted to \(host), which is not a loopback address: use starttls or tls, or set allow_insecure: true")
        }
        if username != nil, password == nil {
            reader.report(fields.node, fields.path("password"), "username is set without password or password_file")
        }
        if let timeout = reader.duration(fields, "timeout", minimum: .seconds(1)) { self.timeout = timeout }
        if let tls = TLSSettings(decoding: fields, reader: &reader) { self.tls = tls }
    }

    package func render(into out: inout YAMLLines) {
        out.append("    host: \(YAMLText.string(host))")
        out.append("    port: \(port)")
        out.append("    security: \(security.rawValue)")
        if let username { out.append("    username: \(YAMLText.string(username))") }
        if let password { out.secret("password", password, indent: "    ") }
        out.append("    from: \(YAMLText.string(from))")
        out.append("    to: [\(to.map(YAMLText.string).joined(separator: ", "))]")
        out.append("    allow_insecure: \(allowInsecure)")
        out.append("    timeout: \(YAMLText.duration(timeout))")
        tls.render(into: &out)
    }
}
