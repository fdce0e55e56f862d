public import HeadroomCore

/// Settings of a `type: webhook` channel: a generic JSON POST.
public struct WebhookConfiguration: Sendable, Hashable {
    /// The body's shape.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// The JSON log schema (`AlertJSON`), one object per notification.
        case json
        /// Alertmanager's webhook payload, version 4, one alert per message.
        case alertmanager
    }

    /// How the request authenticates.
    public enum Authorization: Sendable, Hashable {
        case none
        /// `Authorization: Bearer <token>` (YAML `bearer_token:` / `bearer_token_file:`).
        case bearer(Secret)
        /// `Authorization: Basic …` (YAML `basic_auth: {username, password | password_file}`).
        case basic(username: String, password: Secret)
    }

    /// One custom header; its value may be a credential, so it is a `Secret`.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: Secret
        public init(name: String, value: Secret) {
            self.name = name
            self.value = value
        }
    }

    public var endpoint: HTTPEndpoint
    /// YAML `format:`, default `json`.
    public var format: Format
    /// YAML `body_template:`: a body with `{{key}}` placeholders, each replaced by the JSON
    /// value of that key of the JSON log schema (strings come quoted and escaped), plus
    /// `{{json}}` for the whole object and `{{idempotency_key}}`.
    public var bodyTemplate: String?
    /// YAML `headers:`.
    public var headers: [Header]
    public var authorization: Authorization
    /// YAML `hmac_secret:` / `hmac_secret_file:`: signs each request (Grafana's scheme).
    public var signingSecret: Secret?
    /// YAML `signature_header:`, default `X-Headroom-Signature`.
    public var signatureHeader: String
    /// YAML `timestamp_header:`, default `X-Headroom-Timestamp`.
    public var timestampHeader: String

    public init(
        endpoint: HTTPEndpoint, format: Format = .json, bodyTemplate: String? = nil, headers: [Header] = [],
        authorization: Authorization = .none, signingSecret: Secret? = nil,
        signatureHeader: String = "X-Headroom-Signature", timestampHeader: String = "X-Headroom-Timestamp"
    ) {
        self.endpoint = endpoint
        self.format = format
        self.bodyTemplate = bodyTemplate
        self.headers = headers
        self.authorization = authorization
        self.signingSecret = signingSecret
        self.signatureHeader = signatureHeader
        self.timestampHeader = timestampHeader
    }
}
