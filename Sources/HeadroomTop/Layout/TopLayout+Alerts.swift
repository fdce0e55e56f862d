import Foundation
import HeadroomCore

extension TopLayout {
    /// The firing alerts, worst first, in at most `room` lines (the last says how many more).
    static func alerts(_ frame: TopFrame, width: Int, room: Int) -> [StyledLine] {
        guard !frame.alerts.isEmpty else { return [] }
        let sorted = frame.alerts.sorted {
            $0.severity != $1.severity ? $0.severity > $1.severity : ($0.since ?? .distantPast) < ($1.since ?? .distantPast)
        }
        let shown = sorted.count <= room ? sorted.count : room - 1
        var lines = sorted.prefix(shown).map { alert(frame, $0) }
        if shown < sorted.count { lines.append(StyledLine(" … \(sorted.count - shown) more alerts firing", .dim)) }
        return lines
    }

    private static func alert(_ frame: TopFrame, _ alert: TopAlert) -> StyledLine {
        let tag: (String, TextStyle) =
            switch alert.severity {
            case .critical: (" CRIT ", .critical)
            case .warning: (" WARN ", .warning)
            case .info: (" INFO ", .accent)
            }
        var line = StyledLine(tag.0, tag.1)
        line.append(alert.rule, .bold)
        let labels = alert.labels.shown.pairs.map { "\($0.name)=\($0.value)" }
        if !labels.isEmpty { line.append(" " + labels.joined(separator: " ")) }
        if let value = alert.value {
            let text = alert.metric.hasSuffix("_bytes") ? Units.bytes(value) : Units.decimal(value, places: 1)
            line.append("  " + text)
            if let threshold = alert.threshold {
                line.append(" / " + (alert.metric.hasSuffix("_bytes") ? Units.bytes(threshold) : Units.decimal(threshold, places: 1)), .dim)
            }
        }
        if let eta = alert.secondsToExhaustion { line.append("  full in " + Units.duration(eta), alert.severity == .critical ? .critical : .warning) }
        if let since = alert.since { line.append("  since " + frame.clock(since.timeIntervalSince1970), .dim) }
        return line
    }
}
