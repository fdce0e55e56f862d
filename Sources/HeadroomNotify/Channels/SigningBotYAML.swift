package import HeadroomConfigSyntax
package import HeadroomCore

/// A chat bot that may sign its requests (`secret:` / `secret_file:`) and require a keyword in
/// every message (`keyword:`): DingTalk's robots and Feishu's bots take the same keys.
package protocol SigningBotYAML: HTTPChannelYAML {
    var secret: Secret? { get }
    var keyword: String? { get }
    init(endpoint: HTTPEndpoint, secret: Secret?, keyword: String?)
}

extension SigningBotYAML {
    package static var ownKeys: [String] { ["secret", "secret_file", "keyword"] }

    package init(endpoint: HTTPEndpoint, decoding fields: Fields, reader: inout NodeReader) {
        self.init(endpoint: endpoint, secret: reader.secret(fields, "secret"), keyword: reader.string(fields, "keyword"))
    }

    package func renderOwnKeys(into out: inout YAMLLines) {
        if let secret { out.secret("secret", secret, indent: "    ") }
        if let keyword { out.append("    keyword: \(YAMLText.string(keyword))") }
    }
}
