package import HeadroomConfigSyntax
import HeadroomCore

extension WebhookConfiguration: HTTPChannelYAML {
    package static let type = "webhook"
    package static let ownKeys = [
        "format", "body_template", "headers", "bearer_token", "bearer_token_file",
        "basic_auth", "hmac_secret", "hmac_secret_file", "signature_header", "timestamp_header",
    ]

    package var settings: ChannelSettings { .webhook(self) }

    package init(endpoint: HTTPEndpoint, decoding fields: Fields, reader: inout NodeReader) {
        self.init(endpoint: endpoint)
        if let format = reader.choice(fields, "format", Format.self) { self.format = format }
        bodyTemplate = reader.string(fields, "body_template")
        if let node = fields["headers"] {
            if case .mapping(let pairs, _) = node {
                for pair in pairs {
                    if let value = reader.string(pair.value, "\(fields.path("headers")).\(pair.key)", expected: "a header value") {
                        headers.append(Header(name: pair.key, value: Secret(value)))
                    }
                }
            } else {
                reader.report(node, fields.path("headers"), "expected a mapping of header names to values, got \(node.kindDescription)")
            }
        }
        if let token = reader.secret(fields, "bearer_token") { authorization = .bearer(token) }
        if let basic = reader.fields(fields, "basic_auth", allowed: ["username", "password", "password_file"], expected: "{username, password}") {
            if let username = reader.string(basic, "username"), let password = reader.secret(basic, "password") {
                if case .bearer = authorization {
                    reader.report(basic.node, basic.path, "use either bearer_token or basic_auth, not both")
                }
                authorization = .basic(username: username, password: password)
            } else {
                reader.report(basic.node, basic.path, "basic_auth needs a username and a password (or password_file)")
            }
        }
        signingSecret = reader.secret(fields, "hmac_secret")
        if let header = reader.string(fields, "signature_header") { signatureHeader = header }
        if let header = reader.string(fields, "timestamp_header") { timestampHeader = header }
    }

    package func renderOwnKeys(into out: inout YAMLLines) {
        out.append("    format: \(format.rawValue)")
        if let bodyTemplate { out.append("    body_template: \(YAMLText.quoted(bodyTemplate))") }
        if !headers.isEmpty {
            out.append("    headers:")
            for header in headers { out.append("      \(YAMLText.string(header.name)): \(YAMLText.secret(header.value))") }
        }
        switch authorization {
        case .none: break
        case .bearer(let token): out.secret("bearer_token", token, indent: "    ")
        case .basic(let username, let password):
            let passwordKey =
                if case .file(let path) = password.source { "password_file: \(YAMLText.string(path))" } else { "password: \(YAMLText.secret(password))" }
            out.append("    basic_auth: {username: \(YAMLText.string(username)), \(passwordKey)}")
        }
        if let signingSecret {
            out.secret("hmac_secret", signingSecret, indent: "    ")
            out.append("    signature_header: \(YAMLText.string(signatureHeader))")
            out.append("    timestamp_header: \(YAMLText.string(timestampHeader))")
        }
    }
}
