public import HeadroomCore

/// One configured notification destination (an entry of YAML `channels:`).
public struct ChannelConfiguration: Sendable, Hashable {
    /// YAML `name:`; defaults to the type, or `type:N` when several share a type.
    public var name: String
    /// YAML `enabled:`, default true.
    public var enabled: Bool
    /// Notifications below this severity are not sent here (YAML `min_severity:`, default `info`).
    public var minimumSeverity: Severity
    /// Send resolved notifications (YAML `send_resolved:`, default true).
    public var sendResolved: Bool
    /// The type-specific settings (YAML `type:` and the keys that type accepts).
    public var settings: ChannelSettings
    /// YAML `language:` (`en` or `zh-CN`), default `en`: the chat and mail message language.
    public var language: MessageLanguage = .en
    /// YAML `time_zone:` (an IANA name such as `Asia/Shanghai`); nil: the system's.
    public var timeZone: String?

    public init(name: String, enabled: Bool = true, minimumSeverity: Severity = .info, sendResolved: Bool = true, settings: ChannelSettings) {
        self.name = name
        self.enabled = enabled
        self.minimumSeverity = minimumSeverity
        self.sendResolved = sendResolved
        self.settings = settings
    }
}

/// The closed set of channel types; each case's settings live in its channel's folder.
public enum ChannelSettings: Sendable, Hashable {
    case console(ConsoleConfiguration)
    case jsonlog(JSONLogConfiguration)
    case webhook(WebhookConfiguration)
    case slack(SlackConfiguration)
    case wecom(WeComConfiguration)
    case dingtalk(DingTalkConfiguration)
    case feishu(FeishuConfiguration)
    case email(EmailConfiguration)
    case exec(ExecConfiguration)
    case alertmanager(AlertmanagerConfiguration)
    case sound(SoundConfiguration)

    /// The YAML `type:` value.
    public var type: String { Swift.type(of: yaml).type }

    /// The case's configuration, which reads and writes its own keys.
    package var yaml: any ChannelYAML {
        switch self {
        case .console(let settings): settings
        case .jsonlog(let settings): settings
        case .webhook(let settings): settings
        case .slack(let settings): settings
        case .wecom(let settings): settings
        case .dingtalk(let settings): settings
        case .feishu(let settings): settings
        case .email(let settings): settings
        case .exec(let settings): settings
        case .alertmanager(let settings): settings
        case .sound(let settings): settings
        }
    }

    /// The HTTP endpoint of a webhook-type channel, nil for local channels.
    public var endpoint: HTTPEndpoint? {
        switch self {
        case .console, .jsonlog, .email, .exec, .sound: nil
        case .alertmanager(let settings): settings.endpoints.first
        case .webhook(let settings): settings.endpoint
        case .slack(let settings): settings.endpoint
        case .wecom(let settings): settings.endpoint
        case .dingtalk(let settings): settings.endpoint
        case .feishu(let settings): settings.endpoint
        }
    }
}

extension ChannelSettings {
    /// The platform's documented rate limits, which the pipeline keeps under by coalescing
    /// notifications into one digest: WeCom 20/min, DingTalk 19/min (20 earns a 10-minute
    /// ban), Feishu 5/s and 100/min, Slack 1/s. Local channels and the generic webhook have none.
    public var rateLimits: [RateLimit] {
        switch self {
        case .console, .jsonlog, .webhook, .email, .exec, .alertmanager, .sound: []
        case .slack: [RateLimit(count: 1, window: .seconds(1))]
        case .wecom: [RateLimit(count: 20, window: .seconds(60))]
        case .dingtalk: [RateLimit(count: 19, window: .seconds(60))]
        case .feishu: [RateLimit(count: 5, window: .seconds(1)), RateLimit(count: 100, window: .seconds(60))]
        }
    }
}
