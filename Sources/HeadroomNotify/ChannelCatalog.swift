public import Foundation
import HeadroomCore

/// The single composition point: channel configuration → notifier.
public enum ChannelCatalog {
    /// Every channel type, in the order messages list them: what the configuration loader
    /// reads and `headroom config` writes. A new channel type is one line here.
    package static let types: [any ChannelYAML.Type] = [
        ConsoleConfiguration.self,
        JSONLogConfiguration.self,
        WebhookConfiguration.self,
        SlackConfiguration.self,
        WeComConfiguration.self,
        DingTalkConfiguration.self,
        FeishuConfiguration.self,
        ExecConfiguration.self,
        SoundConfiguration.self,
        AlertmanagerConfiguration.self,
        EmailConfiguration.self,
    ]

    /// Builds the notifier for one configured channel.
    public static func make(
        _ configuration: ChannelConfiguration, environment: [String: String], timeZone: TimeZone = .current,
        transport: any HTTPTransport = LiveHTTPTransport()
    ) -> any Notifier {
        let timeZone = configuration.timeZone.flatMap(TimeZone.init(identifier:)) ?? timeZone
        let language = configuration.language
        return switch configuration.settings {
        case .console(let settings):
            ConsoleNotifier(
                channel: configuration.name, configuration: settings, environment: environment, timeZone: timeZone,
                language: language)
        case .jsonlog(let settings):
            JSONLogNotifier(channel: configuration.name, configuration: settings, timeZone: timeZone)
        case .webhook(let settings):
            WebhookNotifier(channel: configuration.name, configuration: settings, transport: transport, timeZone: timeZone)
        case .slack(let settings):
            SlackNotifier(channel: configuration.name, configuration: settings, transport: transport, timeZone: timeZone, language: language)
        case .wecom(let settings):
            WeComNotifier(channel: configuration.name, configuration: settings, transport: transport, timeZone: timeZone, language: language)
        case .dingtalk(let settings):
            DingTalkNotifier(channel: configuration.name, configuration: settings, transport: transport, timeZone: timeZone, language: language)
        case .feishu(let settings):
            FeishuNotifier(channel: configuration.name, configuration: settings, transport: transport, timeZone: timeZone, language: language)
        case .email(let settings):
            EmailNotifier(channel: configuration.name, configuration: settings, transport: SMTPClient(), timeZone: timeZone, language: language)
        case .alertmanager(let settings):
            AlertmanagerNotifier(channel: configuration.name, configuration: settings, transport: transport)
        case .sound(let settings):
            SoundNotifier(channel: configuration.name, configuration: settings, environment: environment)
        case .exec(let settings):
            ExecNotifier(channel: configuration.name, configuration: settings, timeZone: timeZone)
        }
    }

    /// Whether `identifier` names a time zone this machine knows.
    public static func knowsTimeZone(_ identifier: String) -> Bool {
        TimeZone(identifier: identifier) != nil
    }
}
