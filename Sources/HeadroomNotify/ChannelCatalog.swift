public import Foundation
import HeadroomCore

/// The single composition point: channel configuration → notifier.
public enum ChannelCatalog {
    /// Builds the notifier for one configured channel.
    public static func make(_ configuration: ChannelConfiguration, environment: [String: String], timeZone: TimeZone = .current) -> any Notifier {
        switch configuration.settings {
        case .console(let settings):
            ConsoleNotifier(channel: configuration.name, configuration: settings, environment: environment, timeZone: timeZone)
        case .jsonlog(let settings):
            JSONLogNotifier(channel: configuration.name, configuration: settings, timeZone: timeZone)
        }
    }
}
