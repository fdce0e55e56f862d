import ArgumentParser
import Foundation
import HeadroomConfig
import HeadroomCore
import HeadroomNotify

/// `headroom notify test [--channel NAME]`: one test notification through each channel.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Check that notifications get through.",
        subcommands: [Test.self]
    )

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test notification through every enabled channel (or one); exit 1 if any fails.",
            discussion: """
                A failure prints the platform's own answer, e.g. `wecom: FAILED (permanent): WeCom errcode 93000: invalid webhook url`. \
                Filters (min_severity, send_resolved) and silences do not apply; nothing is written to the outbox.

                EXAMPLES
                  headroom notify test
                  headroom notify test --channel dingtalk --config /etc/headroom/headroom.yaml
                """
        )

        @Option(name: .shortAndLong, help: "Configuration file.")
        var config: String?

        @Option(help: "Only this channel (by name), even if it is disabled.")
        var channel: String?

        func run() async throws {
            let source = ConfigurationSource(explicitPath: config)
            let configuration: HeadroomConfiguration
            switch source.load() {
            case .failure(let errors):
                printError("\(source.describe): invalid configuration:\n\(errors.description)")
                throw ExitCode(2)
            case .success(let loaded):
                configuration = loaded.configuration
            }
            let channels: [ChannelConfiguration]
            if let channel {
                channels = configuration.channels.filter { $0.name == channel }
                guard !channels.isEmpty else {
                    printError("no channel named \(channel); the channels are \(configuration.channels.map(\.name).joined(separator: ", "))")
                    throw ExitCode(2)
                }
            } else {
                channels = configuration.channels.filter(\.enabled)
            }
            let host = configuration.hostname ?? ProcessInfo.processInfo.hostName
            let notification = Self.testNotification(host: host, at: Date())
            var failed = 0
            for channel in channels {
                let notifier = ChannelCatalog.make(channel, environment: source.environment)
                do {
                    try await notifier.deliver(notification)
                    print("\(channel.name): ok")
                } catch {
                    failed += 1
                    let kind = if case .retryable = error { "retryable" } else { "permanent" }
                    print("\(channel.name): FAILED (\(kind)): \(error.reason)")
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }

        static func testNotification(host: String, at now: Date) -> AlertNotification {
            let alert = Alert(
                rule: "headroom_test", severity: .warning, family: "headroom_test", metric: "headroom_test",
                labels: ["test": "true"], condition: .above(0), value: 1, peak: 1, since: now, firedAt: now,
                summaryTemplate: "Test notification from headroom on {host}: this channel works.")
            return AlertNotification(kind: .firing, alert: alert, time: now, host: host)
        }
    }
}
