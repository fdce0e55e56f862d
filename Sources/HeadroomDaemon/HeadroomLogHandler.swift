public import Foundation
import HeadroomCore
public import HeadroomNotify
public import Logging

/// Writes the daemon's own log lines to standard error, as text or JSON lines.
public struct HeadroomLogHandler: LogHandler {
    /// Text for people, JSON for log shippers.
    public enum Format: String, Sendable { case text, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: Format
    private let sink: TextSink
    private let timeZone: TimeZone

    public init(label: String, level: Logger.Level, format: Format, sink: TextSink = .standardError, timeZone: TimeZone = .current) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
        self.timeZone = timeZone
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = RFC3339.format(Date(), timeZone: timeZone)
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoteIfNeeded("\($0.value)"))" }
            line = ([time, event.level.rawValue, event.message.description] + fields).joined(separator: " ")
        case .json:
            var object = "{\"time\":\(Self.quote(time)),\"level\":\(Self.quote(event.level.rawValue)),\"msg\":\(Self.quote(event.message.description))"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                object += ",\(Self.quote(key)):\(Self.quote("\(value)"))"
            }
            line = object + "}"
        }
        try? sink.write(line + "\n")
    }

    private static func quoteIfNeeded(_ text: String) -> String {
        text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? quote(text) : text
    }

    private static func quote(_ text: String) -> String { JSONText.quote(text) }
}
