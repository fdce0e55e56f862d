public import Foundation
public import HeadroomCore

/// Appends one JSON object per line (schema: `AlertJSON`) to a file or standard output,
/// ready for Filebeat, Loki/Promtail or Vector.
public struct JSONLogNotifier: Notifier {
    public let channel: String
    private let sink: TextSink
    private let timeZone: TimeZone

    public init(channel: String, configuration: JSONLogConfiguration, timeZone: TimeZone = .current, sink: TextSink? = nil) {
        self.channel = channel
        self.timeZone = timeZone
        if let sink {
            self.sink = sink
        } else if let path = configuration.path, path != "-", !path.isEmpty {
            self.sink = TextSink(path: path)
        } else {
            self.sink = .standardOutput
        }
    }

    public func deliver(_ notification: AlertNotification, context _: DeliveryContext) async throws(DeliveryError) {
        try sink.write(AlertJSON.encode(notification, timeZone: timeZone) + "\n")
    }
}
