import HeadroomCore
import HeadroomNotify
import HeadroomConfigSyntax

extension ConfigurationRenderer {
    /// The keys of a webhook-type channel. Every `Secret` is written as `"<secret>"` (a
    /// `*_file` key shows its path, which is not secret).
    static func renderHTTP(_ settings: ChannelSettings, into out: inout YAMLLines) {
        if case .sound(let sound) = settings {
            out.append("    player: \(sound.player.rawValue)")
            return
        }
        if case .exec(let exec) = settings {
            out.append("    command: [\(exec.command.map(YAMLText.string).joined(separator: ", "))]")
            out.append("    timeout: \(YAMLText.duration(exec.timeout))")
            return
        }
        if case .email(let email) = settings {
            out.append("    host: \(YAMLText.string(email.host))")
            out.append("    port: \(email.port)")
            out.append("    security: \(email.security.rawValue)")
            if let username = email.username { out.append("    username: \(YAMLText.string(username))") }
            if let password = email.password { renderSecret("password", password, into: &out) }
            out.append("    from: \(YAMLText.string(email.from))")
            out.append("    to: [\(email.to.map(YAMLText.string).joined(separator: ", "))]")
            out.append("    allow_insecure: \(email.allowInsecure)")
            out.append("    timeout: \(YAMLText.duration(email.timeout))")
            let tls = [("ca_file", email.tls.caFile), ("cert_file", email.tls.clientCertificateFile), ("key_file", email.tls.clientKeyFile)]
                .compactMap { key, value in value.map { "\(key): \(YAMLText.string($0))" } }
            if !tls.isEmpty { out.append("    tls: {\(tls.joined(separator: ", "))}") }
            return
        }
        if case .alertmanager(let alertmanager) = settings {
            out.append("    url: [\(alertmanager.endpoints.map { secret($0.url) }.joined(separator: ", "))]")
            out.append("    resend_interval: \(YAMLText.duration(alertmanager.resendInterval))")
            if let first = alertmanager.endpoints.first {
                out.append("    allow_insecure: \(first.allowInsecure)")
                out.append("    timeout: \(YAMLText.duration(first.timeout))")
            }
            return
        }
        guard let endpoint = settings.endpoint else { return }
        renderSecret("url", endpoint.url, into: &out)
        out.append("    allow_insecure: \(endpoint.allowInsecure)")
        out.append("    timeout: \(YAMLText.duration(endpoint.timeout))")
        let tls = [("ca_file", endpoint.tls.caFile), ("cert_file", endpoint.tls.clientCertificateFile), ("key_file", endpoint.tls.clientKeyFile)]
            .compactMap { key, value in value.map { "\(key): \(YAMLText.string($0))" } }
        if !tls.isEmpty { out.append("    tls: {\(tls.joined(separator: ", "))}") }
        switch settings {
        case .webhook(let webhook):
            out.append("    format: \(webhook.format.rawValue)")
            if let template = webhook.bodyTemplate { out.append("    body_template: \(YAMLText.quoted(template))") }
            if !webhook.headers.isEmpty {
                out.append("    headers:")
                for header in webhook.headers { out.append("      \(YAMLText.string(header.name)): \(secret(header.value))") }
            }
            switch webhook.authorization {
            case .none: break
            case .bearer(let token): renderSecret("bearer_token", token, into: &out)
            case .basic(let username, let password):
                let passwordKey =
                    if case .file(let path) = password.source { "password_file: \(YAMLText.string(path))" } else { "password: \(secret(password))" }
                out.append("    basic_auth: {username: \(YAMLText.string(username)), \(passwordKey)}")
            }
            if let signing = webhook.signingSecret {
                renderSecret("hmac_secret", signing, into: &out)
                out.append("    signature_header: \(YAMLText.string(webhook.signatureHeader))")
                out.append("    timestamp_header: \(YAMLText.string(webhook.timestampHeader))")
            }
        case .dingtalk(let dingtalk):
            if let value = dingtalk.secret { renderSecret("secret", value, into: &out) }
            if let keyword = dingtalk.keyword { out.append("    keyword: \(YAMLText.string(keyword))") }
        case .feishu(let feishu):
            if let value = feishu.secret { renderSecret("secret", value, into: &out) }
            if let keyword = feishu.keyword { out.append("    keyword: \(YAMLText.string(keyword))") }
        case .console, .jsonlog, .slack, .wecom, .email, .exec, .alertmanager, .sound:
            break
        }
    }

    private static func renderSecret(_ key: String, _ value: Secret, into out: inout YAMLLines) {
        switch value.source {
        case .value: out.append("    \(key): \(secret(value))")
        case .file(let path): out.append("    \(key)_file: \(YAMLText.string(path))")
        }
    }
}

extension ConfigurationRenderer {
    /// `state_dir` (when set) and the `delivery` section.
    static func renderDelivery(_ delivery: DeliverySettings, into out: inout YAMLLines) {
        if let directory = delivery.stateDirectory { out.append("state_dir: \(YAMLText.string(directory))") }
        out.append("delivery:")
        out.append(
            "  deadline: {critical: \(YAMLText.duration(delivery.criticalDeadline)), warning: \(YAMLText.duration(delivery.warningDeadline)), info: \(YAMLText.duration(delivery.infoDeadline))}"
        )
        out.append("  retry: {initial: \(YAMLText.duration(delivery.retry.initial)), maximum: \(YAMLText.duration(delivery.retry.maximum))}")
        out.append("  resolved_after_silence: \(delivery.resolvedAfterSilence)")
        out.append("  group_window: \(YAMLText.duration(delivery.groupWindow))")
        out.blank()
    }
}
