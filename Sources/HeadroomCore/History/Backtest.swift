#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Replays recorded rounds through a configuration's rules exactly as the daemon evaluates
/// them — the same `AlertEngine`, at the recorded timestamps, with holds, hysteresis,
/// flapping, inhibition and trends — and tells, for each incident, which rules warned before
/// it and how early (pure: rounds in, a report out).
///
/// A rule warned of an incident when it sent a `firing` notification in the `window` before
/// it (not in the same round: a rule that fires with the incident only reports it), on the
/// same host: when both the alert and the incident carry an `instance` label (a fleet replayed
/// from Prometheus), they must agree. The lead is measured from the latest such notification.
public struct Backtest: Sendable {
    private var engine: AlertEngine
    private let rules: [AlertRule]
    /// Notifications per rule and kind.
    private var counts: [String: [AlertNotification.Kind: Int]] = [:]
    /// `firing` notification times per rule, oldest first, with the alert's `instance` label.
    private var firingTimes: [String: [(time: Date, instance: String?)]] = [:]
    /// When each (rule, series) started firing, while it fires.
    private var firingSince: [String: Date] = [:]
    private var firingSeconds: [String: Double] = [:]
    private var lastTime: Date?

    /// The label that names the host of a series replayed from a Prometheus-API server.
    static let hostLabel = "instance"

    public init(rules: [AlertRule], policy: AlertPolicy) {
        self.rules = rules
        engine = AlertEngine(rules: rules, policy: policy)
    }

    /// One recorded round.
    public mutating func replay(_ samples: [Sample], at time: Date) {
        for notification in engine.evaluate(samples, at: time) {
            counts[notification.alert.rule, default: [:]][notification.kind, default: 0] += 1
            if notification.kind == .firing {
                firingTimes[notification.alert.rule, default: []].append((time, notification.alert.labels[Self.hostLabel]))
            }
        }
        for change in engine.lastRoundChanges {
            guard let rule = change.rule else { continue }
            let key = rule + "\u{1F}" + change.labels.description
            if change.kind == HistoryEvent.AlertChange.firing.rawValue {
                firingSince[key] = firingSince[key] ?? time
            } else if change.kind == HistoryEvent.AlertChange.resolved.rawValue, let since = firingSince.removeValue(forKey: key) {
                firingSeconds[rule, default: 0] += time.timeIntervalSince(since)
            }
        }
        lastTime = time
    }

    /// The report for the range `from`–`to` and its `incidents`.
    public func report(from: Date, to: Date, incidents: [HistoryEvent], window: Duration = .seconds(3600)) -> BacktestReport {
        var seconds = firingSeconds
        // Alerts still firing at the end count up to the last round.
        for (key, since) in firingSince {
            let rule = String(key.prefix { $0 != "\u{1F}" })
            seconds[rule, default: 0] += (lastTime ?? to).timeIntervalSince(since)
        }
        let outcomes = rules.map { rule in
            BacktestReport.RuleOutcome(
                rule: rule.name, severity: rule.severity, notifications: counts[rule.name] ?? [:], firingSeconds: seconds[rule.name] ?? 0)
        }
        let windowSeconds = window.headroomSeconds
        let warned = incidents.sorted { $0.time < $1.time }.map { incident in
            var warnings: [BacktestReport.Warning] = []
            let host = incident.labels[Self.hostLabel]
            for rule in rules {
                guard
                    let latest = firingTimes[rule.name]?.last(where: { firing in
                        firing.time < incident.time && (host == nil || firing.instance == nil || firing.instance == host)
                    })?.time,
                    incident.time.timeIntervalSince(latest) <= windowSeconds
                else { continue }
                warnings.append(.init(rule: rule.name, severity: rule.severity, leadSeconds: incident.time.timeIntervalSince(latest)))
            }
            warnings.sort { $0.leadSeconds != $1.leadSeconds ? $0.leadSeconds > $1.leadSeconds : $0.rule < $1.rule }
            return BacktestReport.IncidentOutcome(incident: incident, warnedBy: warnings)
        }
        return BacktestReport(from: from, to: to, rules: outcomes, incidents: warned)
    }
}

/// What a backtest found: per rule, what it would have sent and how long it fired; per
/// incident, the rules that warned before it.
public struct BacktestReport: Sendable, Equatable {
    public struct RuleOutcome: Sendable, Equatable {
        public var rule: String
        public var severity: Severity
        public var notifications: [AlertNotification.Kind: Int]
        public var firingSeconds: Double
    }

    public struct Warning: Sendable, Equatable {
        public var rule: String
        public var severity: Severity
        public var leadSeconds: Double
    }

    public struct IncidentOutcome: Sendable, Equatable {
        public var incident: HistoryEvent
        public var warnedBy: [Warning]
    }

    public var from: Date
    public var to: Date
    public var rules: [RuleOutcome]
    public var incidents: [IncidentOutcome]

    /// Incidents no rule warned of.
    public var missed: [IncidentOutcome] { incidents.filter(\.warnedBy.isEmpty) }
}
