/// One-shot evaluation for `headroom check` (Nagios/Icinga plugin, container HEALTHCHECK):
/// which threshold rules are breached *right now*, ignoring hold policies.
///
/// A one-shot run cannot honour `for: 10s` or trends, so: threshold conditions are
/// checked against the current value, `increases` and trend rules are skipped.
public enum InstantCheck {
    /// One breached rule on one series.
    public struct Finding: Sendable, Hashable {
        public var rule: AlertRule
        public var series: SeriesKey
        public var value: Double
        public var detail: String?
    }

    /// Nagios plugin states, with their exit codes.
    public enum Status: Int, Sendable, Comparable, CustomStringConvertible {
        case ok = 0
        case warning = 1
        case critical = 2
        case unknown = 3

        public var description: String {
            switch self {
            case .ok: "OK"
            case .warning: "WARNING"
            case .critical: "CRITICAL"
            case .unknown: "UNKNOWN"
            }
        }

        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The breached threshold rules, most severe first.
    public static func findings(rules: [AlertRule], samples: [Sample]) -> [Finding] {
        var out: [Finding] = []
        for rule in rules {
            for sample in samples where rule.selector.matches(sample.key) {
                let breached: Bool
                switch rule.condition {
                case .above(let threshold): breached = sample.value > threshold
                case .atLeast(let threshold): breached = sample.value >= threshold
                case .below(let threshold): breached = sample.value < threshold
                case .atMost(let threshold): breached = sample.value <= threshold
                case .increases, .trend: breached = false
                }
                if breached { out.append(Finding(rule: rule, series: sample.key, value: sample.value, detail: sample.detail)) }
            }
        }
        // Inside a family on one series only the most severe finding counts.
        var strongest: [String: Severity] = [:]
        for finding in out {
            let key = finding.rule.family + finding.series.labels.description
            strongest[key] = max(strongest[key] ?? .info, finding.rule.severity)
        }
        out.removeAll { $0.rule.severity < strongest[$0.rule.family + $0.series.labels.description] ?? .info }
        return out.sorted { ($1.rule.severity, $0.rule.name, $0.series) < ($0.rule.severity, $1.rule.name, $1.series) }
    }

    /// The plugin status for a set of findings: any critical → CRITICAL, any warning → WARNING.
    public static func status(_ findings: [Finding]) -> Status {
        var status = Status.ok
        for finding in findings {
            switch finding.rule.severity {
            case .critical: status = max(status, .critical)
            case .warning: status = max(status, .warning)
            case .info: break
            }
        }
        return status
    }
}
