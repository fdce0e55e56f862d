public import Foundation
public import HeadroomCore

/// Runs a command per notification: fields in `HEADROOM_*` variables, the JSON log schema
/// object on standard input, argv form (no shell), a timeout, the exit status judged.
public struct ExecNotifier: Notifier {
    public let channel: String
    private let configuration: ExecConfiguration
    private let runner: any CommandRunner
    private let timeZone: TimeZone

    public init(channel: String, configuration: ExecConfiguration, runner: any CommandRunner = LiveCommandRunner(), timeZone: TimeZone = .current) {
        self.channel = channel
        self.configuration = configuration
        self.runner = runner
        self.timeZone = timeZone
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let notifications = context.digest.isEmpty ? [notification] : context.digest
        for item in notifications {
            let input = Array((AlertJSON.encode(item, timeZone: timeZone) + "\n").utf8)
            let result = try await runner.run(
                configuration.command,
                environment: ExecPayload.environment(item, idempotencyKey: context.idempotencyKey, timeZone: timeZone),
                input: input, timeout: configuration.timeout)
            if let error = ExecPayload.classify(result, channel: channel) { throw error }
        }
    }
}
