import Foundation
import HeadroomCore

extension TopLayout {
    /// Line 1: host, time, interval, range and the firing count; line 2: where the numbers
    /// come from, and any collector that failed.
    static func header(_ frame: TopFrame, width: Int) -> [StyledLine] {
        var left = StyledLine(" headroom top", .bold)
        if let status = frame.status {
            left.append("  " + status.hostname)
            left.append("  " + frame.clock(status.time?.timeIntervalSince1970 ?? frame.instant))
        } else {
            left.append("  " + frame.clock(frame.instant))
        }
        left.append("  every \(Units.decimal(frame.interval, places: frame.interval.rounded() == frame.interval ? 0 : 1))s")
        left.append("  range \(frame.range)")
        var right = StyledLine()
        let firing = max(frame.alerts.count, frame.status?.firingAlerts ?? 0)
        if frame.status == nil {
            // Nothing known yet.
        } else if firing == 0 {
            right.append("no alerts ", .good)
        } else {
            let worst = frame.alerts.map(\.severity).max()
            right.append("\(firing) alert\(firing == 1 ? "" : "s") firing ", worst == .critical ? .critical : .warning)
        }
        // The daemon's uptime when it fits beside the alerts.
        if let uptime = frame.status?.uptimeSeconds {
            let text = "  up " + Units.duration(uptime)
            if left.width + CellWidth.of(text) + right.width + 1 <= width { left.append(text) }
        }
        var source = StyledLine()
        switch frame.source {
        case .daemon(let url):
            source.append(" daemon " + url, .accent)
            switch frame.historySource {
            case .daemon: source.append(" · history: daemon", .dim)
            case .sinceStart(let reason): source.append(" · history: since start" + (reason.map { " (\($0))" } ?? ""), .dim)
            }
        case .local(let url, let reason):
            // Sampled here: the sparklines can only hold what was seen since start.
            source.append(" no daemon at \(url) (\(reason)): sampling here", .warning)
        }
        if frame.status?.ready == false {
            source.append(" · not ready" + (frame.status?.readyReason.map { ": " + $0 } ?? ""), .critical)
        }
        if let failed = frame.status?.collectors.first(where: { !$0.ok }) {
            source.append(" · \(failed.name): \(failed.reason ?? "failed")", .warning)
        }
        if let problem = frame.problem { source.append(" · " + problem, .warning) }
        return [spread(left, right, width: width, fill: .inverse), source]
    }

    /// The key line.
    static func footer(_ state: TopState, width: Int) -> StyledLine {
        let keys = StyledLine(" q quit  s sort  ←→ GPU  r range \(state.range)  ↑↓ scroll  ? help")
        let arrow = state.descending ? "▼" : "▲"
        return spread(keys, StyledLine("sort \(state.sort.rawValue) \(arrow) "), width: width, fill: .inverse)
    }
}
