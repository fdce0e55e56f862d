#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What the alert engine remembers, as a value a restart saves and restores: pending holds
/// with their start, firing alerts with their peak and start, delivered firings, flap
/// history, repeat timers, counter baselines and trend windows (Prometheus keeps `for`
/// state across restarts the same way, in `ALERTS_FOR_STATE`).
public struct AlertEngineState: Sendable, Equatable, Codable {
    /// The format version this build writes; a file of another version is not restored.
    public static let currentVersion = 1
    /// A trend window is thinned to at most this many points when saved.
    public static let maximumTrendPoints = 256

    public var version: Int
    /// The sample time of the round the state was taken at.
    public var savedAt: Date
    public var entries: [Entry]

    /// One rule on one series.
    public struct Entry: Sendable, Equatable, Codable {
        public var rule: String
        /// `threshold`, `increases` or `trend`: a rule whose kind changed does not take the state.
        public var kind: String
        public var metric: String
        public var labels: [String: String]
        public var machine: AlertStateMachine.Memento
        public var alert: Alert?
        public var deliveredFiring: Bool
        public var lastNotifiedAt: Date?
        public var flapTimes: [Date]
        public var flapping: Bool
        public var previousValue: Double?
        public var trendTimes: [Double]
        public var trendValues: [Double]
    }

    public init(savedAt: Date, entries: [Entry]) {
        version = Self.currentVersion
        self.savedAt = savedAt
        self.entries = entries
    }

    /// True when some alert is pending, firing, delivered or flapping: state a restart must not lose.
    public var hasActiveAlerts: Bool {
        entries.contains { $0.machine.state != "inactive" || $0.deliveredFiring || $0.flapping || !$0.flapTimes.isEmpty }
    }
}

extension AlertEngine {
    /// The engine's state at `now`, in rule then series order.
    public func savedState(at now: Date) -> AlertEngineState {
        var entries: [AlertEngineState.Entry] = []
        for (ruleIndex, rule) in rules.enumerated() {
            for (id, slot) in slots.entries(rule: ruleIndex) {
                guard seriesIndex[seriesKeys[id]] == id else { continue }
                let key = seriesKeys[id]
                let (times, values) = Self.thinned(slot.trendWindow.times, slot.trendWindow.values, to: AlertEngineState.maximumTrendPoints)
                entries.append(
                    AlertEngineState.Entry(
                        rule: rule.name, kind: Self.kindName(rule.condition), metric: key.name,
                        labels: Dictionary(key.labels.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
                        machine: slot.machine.memento, alert: slot.alert(rule: rule, key: key), deliveredFiring: slot.deliveredFiring,
                        lastNotifiedAt: slot.lastNotifiedAt, flapTimes: slot.flapTimes, flapping: slot.flapping,
                        previousValue: slot.previousValue, trendTimes: times, trendValues: values))
            }
        }
        return AlertEngineState(savedAt: now, entries: entries)
    }

    /// True when some alert is pending, firing, delivered or flapping: state a restart must not lose.
    public var hasActiveAlerts: Bool {
        slots.holdsActiveAlert
    }

    /// Takes up a saved state at start, before the first round, and returns what must be
    /// told now. State saved within `policy.staleAfter` of `now` continues: a pending hold
    /// keeps its start, a delivered firing stays delivered (nothing is sent again while the
    /// condition holds) and its resolved carries the whole incident's peak and duration.
    /// Older state is not trusted: each delivered firing in it resolves ("no data for …"),
    /// and the alert fires afresh if its condition still holds. A delivered firing whose
    /// rule was removed or changed meanwhile resolves too.
    public mutating func restore(_ saved: AlertEngineState, at now: Date) -> [AlertNotification] {
        guard saved.version == AlertEngineState.currentVersion else { return [] }
        let age = now.timeIntervalSince(saved.savedAt)
        let fresh = age >= 0 && age <= policy.staleAfter.headroomSeconds
        var out: [AlertNotification] = []
        func resolve(_ entry: AlertEngineState.Entry, reason: String) {
            guard entry.deliveredFiring, var alert = entry.alert else { return }
            alert.resolvedAt = now
            alert.resolveReason = reason
            out.append(AlertNotification(kind: .resolved, alert: alert, time: now))
        }
        for entry in saved.entries {
            guard fresh else {
                resolve(entry, reason: "no data for \(HumanDuration.format(seconds: max(age, 0))): headroom was not running")
                continue
            }
            let key = SeriesKey(entry.metric, Labels(entry.labels))
            guard
                let ruleIndex = rules.firstIndex(where: { rule in
                    rule.name == entry.rule && rule.selector.metric == entry.metric && rule.selector.matchesLabels(key.labels)
                        && Self.kindName(rule.condition) == entry.kind
                }), let machine = AlertStateMachine(timing: timings[ruleIndex], memento: entry.machine)
            else {
                resolve(entry, reason: "rule removed or changed while headroom was not running")
                continue
            }
            let id = intern(key)
            var slot = AlertSlot(timing: machine.timing)
            slot.machine = machine
            slot.takeUp(entry.alert)
            slot.deliveredFiring = entry.deliveredFiring
            slot.lastNotifiedAt = entry.lastNotifiedAt
            slot.flapTimes = entry.flapTimes
            slot.flapping = entry.flapping
            slot.previousValue = entry.previousValue
            if entry.trendTimes.count == entry.trendValues.count {
                slot.trendWindow = TrendWindow(times: entry.trendTimes, values: entry.trendValues)
            }
            slots.remove(rule: ruleIndex, series: id)
            slots.insert(slot, rule: ruleIndex, series: id)
        }
        return out
    }

    static func kindName(_ condition: Condition) -> String {
        switch condition {
        case .above, .atLeast, .below, .atMost: "threshold"
        case .increases: "increases"
        case .trend: "trend"
        }
    }

    /// Every k-th point (and always the newest) so at most `limit` remain.
    static func thinned(_ times: [Double], _ values: [Double], to limit: Int) -> ([Double], [Double]) {
        guard times.count > limit, limit > 1 else { return (times, values) }
        let stride = (times.count + limit - 2) / (limit - 1)
        var keptTimes: [Double] = []
        var keptValues: [Double] = []
        var index = times.count - 1
        while index >= 0 && keptTimes.count < limit {
            keptTimes.append(times[index])
            keptValues.append(values[index])
            index -= stride
        }
        return (keptTimes.reversed(), keptValues.reversed())
    }
}
