public import Foundation
public import HeadroomCore

/// Holds the alert engine and the latest readings: snapshot in, notifications out.
/// The daemon's single source of truth for exporters and `headroom check`.
public actor AlertCenter {
    private var engine: AlertEngine
    private var previous: HostSnapshot?
    private var processGrowth = GPUProcessGrowth()
    private let hostname: String
    /// The samples rules saw in the latest round (raw + derived + collector health).
    public private(set) var latestSamples: [Sample] = []
    /// The latest raw snapshot.
    public private(set) var latestSnapshot: HostSnapshot?

    public init(rules: [AlertRule], policy: AlertPolicy, hostname: String) {
        engine = AlertEngine(rules: rules, policy: policy)
        self.hostname = hostname
    }

    /// Derives rates against the previous round, evaluates every rule, and returns the
    /// notifications to deliver, stamped with the host name.
    public func process(_ snapshot: HostSnapshot) -> [AlertNotification] {
        let derived = SampleDerivation.evaluationSamples(previous: previous, current: snapshot)
        let samples = processGrowth.annotate(derived, at: snapshot.time)
        previous = snapshot
        latestSnapshot = snapshot
        latestSamples = samples
        return stamp(engine.evaluate(samples, at: snapshot.time))
    }

    /// Swaps rules and policy, keeping the state of unchanged rules.
    public func reload(rules: [AlertRule], policy: AlertPolicy, at now: Date) -> [AlertNotification] {
        stamp(engine.replaceRules(rules, policy: policy, at: now))
    }

    public var firingAlerts: [Alert] { engine.firingAlerts }
    public var rules: [AlertRule] { engine.rules }

    private func stamp(_ notifications: [AlertNotification]) -> [AlertNotification] {
        notifications.map { notification in
            var copy = notification
            copy.host = hostname
            return copy
        }
    }
}
