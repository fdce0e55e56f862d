import HeadroomCore
import HeadroomNotify
import HeadroomConfigSyntax

/// The webhook-type channels (webhook, slack, wecom, dingtalk, feishu): their keys and how
/// they decode. Secrets come inline (`url:`, `secret:`) or from a file (`url_file:`,
/// `secret_file:`), which the channel reads when it sends.
extension ChannelDecoder {
    static let endpointKeys = ["url", "url_file", "allow_insecure", "tls", "timeout"]
    static let tlsKeys = ["ca_file", "cert_file", "key_file"]

    static let httpTypes: [(name: String, keys: [String])] = [
        (
            "webhook",
            endpointKeys + [
                "format", "body_template", "headers", "bearer_token", "bearer_token_file",
                "basic_auth", "hmac_secret", "hmac_secret_file", "signature_header", "timestamp_header",
            ]
        ),
        ("slack", endpointKeys),
        ("wecom", endpointKeys),
        ("dingtalk", endpointKeys + ["secret", "secret_file", "keyword"]),
        ("feishu", endpointKeys + ["secret", "secret_file", "keyword"]),
        ("exec", ["command", "timeout"]),
        ("sound", ["player"]),
        ("alertmanager", ["url", "allow_insecure", "tls", "timeout", "resend_interval"]),
        ("email", ["host", "port", "security", "username", "password", "password_file", "from", "to", "allow_insecure", "tls", "timeout"]),
    ]

    /// The settings of a webhook-type channel, nil for another type or when invalid.
    static func httpSettings(type: String, _ fields: Fields, reader: inout NodeReader) -> ChannelSettings? {
        guard httpTypes.contains(where: { $0.name == type }) else { return nil }
        if type == "email" { return email(fields, reader: &reader) }
        if type == "sound" {
            return .sound(SoundConfiguration(player: reader.choice(fields, "player", SoundConfiguration.Player.self) ?? .auto))
        }
        if type == "alertmanager" {
            guard let node = fields["url"], let urls = reader.names(node, fields.path("url")), !urls.isEmpty else {
                reader.report(fields.node, fields.path("url"), "an alertmanager channel needs url: one base URL or a list, e.g. http://alertmanager:9093")
                return nil
            }
            let allowInsecure = reader.bool(fields, "allow_insecure") ?? false
            var endpoints: [HTTPEndpoint] = []
            for (url, _) in urls {
                if let problem = HTTPEndpoint.problem(url: url, allowInsecure: allowInsecure) {
                    reader.report(node, fields.path("url"), "the url \(problem)")
                }
                var endpoint = HTTPEndpoint(url: Secret(url), allowInsecure: allowInsecure)
                if let timeout = reader.duration(fields, "timeout", minimum: .milliseconds(100)) { endpoint.timeout = timeout }
                if let tls = reader.fields(fields, "tls", allowed: tlsKeys, expected: "{ca_file, cert_file, key_file}") {
                    endpoint.tls = TLSSettings(
                        caFile: reader.string(tls, "ca_file"), clientCertificateFile: reader.string(tls, "cert_file"),
                        clientKeyFile: reader.string(tls, "key_file"))
                }
                endpoints.append(endpoint)
            }
            var alertmanager = AlertmanagerConfiguration(endpoints: endpoints)
            if let interval = reader.duration(fields, "resend_interval", minimum: .seconds(1)) { alertmanager.resendInterval = interval }
            return .alertmanager(alertmanager)
        }
        if type == "exec" {
            guard let node = fields["command"], let parts = reader.names(node, fields.path("command")), let program = parts.first?.name else {
                reader.report(fields.node, fields.path("command"), "an exec channel needs a command: a list such as [/usr/local/bin/page, --team, gpu]")
                return nil
            }
            if !program.hasPrefix("/") {
                reader.report(node, fields.path("command"), "the program must be an absolute path (it is run directly, not through a shell): \(program)")
            }
            var exec = ExecConfiguration(command: parts.map(\.name))
            if let timeout = reader.duration(fields, "timeout", minimum: .milliseconds(100)) { exec.timeout = timeout }
            return .exec(exec)
        }
        guard let endpoint = endpoint(fields, reader: &reader) else { return nil }
        switch type {
        case "webhook":
            var webhook = WebhookConfiguration(endpoint: endpoint)
            if let format = reader.choice(fields, "format", WebhookConfiguration.Format.self) { webhook.format = format }
            webhook.bodyTemplate = reader.string(fields, "body_template")
            if let node = fields["headers"] {
                if case .mapping(let pairs, _) = node {
                    for pair in pairs {
                        if let value = reader.string(pair.value, "\(fields.path("headers")).\(pair.key)", expected: "a header value") {
                            webhook.headers.append(.init(name: pair.key, value: Secret(value)))
                        }
                    }
                } else {
                    reader.report(node, fields.path("headers"), "expected a mapping of header names to values, got \(node.kindDescription)")
                }
            }
            if let token = secret(fields, "bearer_token", reader: &reader) { webhook.authorization = .bearer(token) }
            if let basic = reader.fields(fields, "basic_auth", allowed: ["username", "password", "password_file"], expected: "{username, password}") {
                if let username = reader.string(basic, "username"), let password = secret(basic, "password", reader: &reader) {
                    if case .bearer = webhook.authorization {
                        reader.report(basic.node, basic.path, "use either bearer_token or basic_auth, not both")
                    }
                    webhook.authorization = .basic(username: username, password: password)
                } else {
                    reader.report(basic.node, basic.path, "basic_auth needs a username and a password (or password_file)")
                }
            }
            webhook.signingSecret = secret(fields, "hmac_secret", reader: &reader)
            if let header = reader.string(fields, "signature_header") { webhook.signatureHeader = header }
            if let header = reader.string(fields, "timestamp_header") { webhook.timestampHeader = header }
            return .webhook(webhook)
        case "slack":
            return .slack(SlackConfiguration(endpoint: endpoint))
        case "wecom":
            return .wecom(WeComConfiguration(endpoint: endpoint))
        case "dingtalk":
            return .dingtalk(
                DingTalkConfiguration(
                    endpoint: endpoint, secret: secret(fields, "secret", reader: &reader),
                    keyword: reader.string(fields, "keyword")))
        case "feishu":
            return .feishu(
                FeishuConfiguration(
                    endpoint: endpoint, secret: secret(fields, "secret", reader: &reader),
                    keyword: reader.string(fields, "keyword")))
        default:
            return nil
        }
    }

    /// `url` or `url_file`, `allow_insecure`, `tls`, `timeout`; an inline URL is checked here
    /// (HTTPS unless loopback or allowed), one from a file when it is read.
    private static func endpoint(_ fields: Fields, reader: inout NodeReader) -> HTTPEndpoint? {
        guard let url = secret(fields, "url", reader: &reader) else {
            reader.report(fields.node, fields.path("url"), "this channel needs a `url` (or `url_file` naming a file that holds it)")
            return nil
        }
        var endpoint = HTTPEndpoint(url: url)
        endpoint.allowInsecure = reader.bool(fields, "allow_insecure") ?? false
        if let value = url.inlineValue, let problem = HTTPEndpoint.problem(url: value, allowInsecure: endpoint.allowInsecure) {
            reader.report(fields["url"] ?? fields.node, fields.path("url"), "the url \(problem)")
        }
        if let timeout = reader.duration(fields, "timeout", minimum: .milliseconds(100)) { endpoint.timeout = timeout }
        if let tls = reader.fields(fields, "tls", allowed: tlsKeys, expected: "{ca_file, cert_file, key_file}") {
            endpoint.tls = TLSSettings(
                caFile: reader.string(tls, "ca_file"), clientCertificateFile: reader.string(tls, "cert_file"),
                clientKeyFile: reader.string(tls, "key_file"))
            if (endpoint.tls.clientCertificateFile == nil) != (endpoint.tls.clientKeyFile == nil) {
                reader.report(tls.node, tls.path, "cert_file and key_file go together: give both or neither")
            }
        }
        return endpoint
    }

    /// `host`, `port`, `security`, `username` + `password[_file]`, `from`, `to` (one or a list).
    private static func email(_ fields: Fields, reader: inout NodeReader) -> ChannelSettings? {
        let host = reader.string(fields, "host", expected: "a host name")
        let from = reader.string(fields, "from", expected: "an address")
        var to: [String] = []
        if let node = fields["to"], let names = reader.names(node, fields.path("to")) { to = names.map(\.name) }
        guard let host, let from, !to.isEmpty else {
            reader.report(fields.node, fields.path, "an email channel needs host, from and to (an address or a list)")
            return nil
        }
        let security = reader.choice(fields, "security", EmailConfiguration.Security.self) ?? .starttls
        var email = EmailConfiguration(
            host: host, port: reader.integer(fields, "port", range: 1...65535), security: security,
            username: reader.string(fields, "username"), password: secret(fields, "password", reader: &reader),
            from: from, to: to, allowInsecure: reader.bool(fields, "allow_insecure") ?? false)
        if security == .none, !email.allowInsecure, !HTTPEndpoint.isLoopback(host), let node = fields["security"] {
            reader.report(
                node, fields.path("security"),
                "none sends mail (and any password) unencrypted to \(host), which is not a loopback address: use starttls or tls, or set allow_insecure: true")
        }
        if email.username != nil, email.password == nil {
            reader.report(fields.node, fields.path("password"), "username is set without password or password_file")
        }
        if let timeout = reader.duration(fields, "timeout", minimum: .seconds(1)) { email.timeout = timeout }
        if let tls = reader.fields(fields, "tls", allowed: tlsKeys, expected: "{ca_file, cert_file, key_file}") {
            email.tls = TLSSettings(
                caFile: reader.string(tls, "ca_file"), clientCertificateFile: reader.string(tls, "cert_file"),
                clientKeyFile: reader.string(tls, "key_file"))
        }
        return .email(email)
    }

    /// `key` inline or `key_file` naming a file; both is an error.
    private static func secret(_ fields: Fields, _ key: String, reader: inout NodeReader) -> Secret? {
        let inline = reader.string(fields, key)
        let file = reader.string(fields, key + "_file")
        switch (inline, file) {
        case (let value?, nil):
            if value.isEmpty { reader.report(fields[key] ?? fields.node, fields.path(key), "must not be empty") }
            return Secret(value)
        case (nil, let path?): return .file(path)
        case (.some, .some):
            reader.report(fields.node, fields.path(key), "give either \(key) or \(key)_file, not both")
            return nil
        case (nil, nil): return nil
        }
    }
}
