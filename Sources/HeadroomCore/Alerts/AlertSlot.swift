#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Everything the engine remembers about one rule on one series.
struct AlertSlot: Sendable {
    var machine: AlertStateMachine
    /// The alert as last described (kept after resolution until notified), if any.
    var alert: Alert? {
        get { hasAlert ? described : nil }
        set {
            hasAlert = newValue != nil
            described = newValue ?? .placeholder
        }
    }
    /// `alert`'s storage, valid while `hasAlert`: the round's stores go straight into its
    /// fields (each store through `alert!` moved the whole alert out and back, two copies of
    /// about 300 bytes, several times per pair and round).
    private var described = Alert.placeholder
    private(set) var hasAlert = false
    /// A firing (or flapping) notification went out and no resolved has closed it yet.
    var deliveredFiring = false
    var lastNotifiedAt: Date?
    /// Times of the latest fire/resolve transitions inside the flap window: at most
    /// `flapMaxChanges + 1`, all that flap detection needs (`decide`).
    var flapTimes: [Date] = [] {
        didSet {
            flapCount = flapTimes.count
            flapOldest = flapTimes.first ?? .distantFuture
        }
    }
    /// `flapTimes`' count and first element, kept in the slot itself: the round checks them
    /// for every pair it decides on, and reading them from the array's own buffer (a heap
    /// block per slot) was a cache miss each time.
    private(set) var flapCount = 0
    private var flapOldest = Date.distantFuture
    var flapping = false
    /// `increases` rules: the previous counter value.
    var previousValue: Double?
    /// Trend rules: the points of the fit window.
    var trendWindow = TrendWindow()

    init(timing: AlertStateMachine.Timing) {
        machine = AlertStateMachine(timing: timing)
    }

    /// Feeds one observation to the machine and refreshes the alert's description. The
    /// series' key is read from `keys` only when a new alert is described (not copied,
    /// retained and released for each of the thousands of unchanged pairs of a round).
    mutating func advance(
        breached: Bool, cleared: Bool, rule: AlertRule, upward: Bool, keys: [SeriesKey], series: Int, value: Double,
        detail: String?, trend: TrendEstimate?, increase: Double?, at now: Date
    ) -> AlertStateMachine.Transition {
        let transition = machine.observe(breached: breached, cleared: cleared, at: now)
        update(
            rule: rule, upward: upward, keys: keys, series: series, value: value, detail: detail, trend: trend,
            increase: increase, transition: transition, at: now)
        return transition
    }

    /// A round without a sample of the series; returns the transition and whether it still fires.
    mutating func observeAbsent(at now: Date) -> (AlertStateMachine.Transition, firing: Bool) {
        let transition = machine.observeAbsent(at: now)
        if case .resolved(let reason) = transition {
            if hasAlert {
                described.resolveReason = reason
                described.resolvedAt = now
            }
        }
        return (transition, machine.isFiring)
    }

    /// Nothing to tell anyone about: not firing, nothing delivered, not flapping.
    var isQuiet: Bool { !machine.isFiring && !deliveredFiring && !flapping && flapCount == 0 }

    /// The steady state of a delivered firing alert after a round that changed nothing:
    /// `decide` has nothing to do unless a repeat is due. (Its flap times are pruned when it
    /// next fires or resolves, the only moments they are read.)
    func isSteady(limits: AlertPolicy.Limits, at now: Date) -> Bool {
        deliveredFiring && !flapping && machine.isFiring && !repeatDue(limits: limits, at: now)
    }

    private func repeatDue(limits: AlertPolicy.Limits, at now: Date) -> Bool {
        guard limits.repeatSeconds > 0, let last = lastNotifiedAt else { return false }
        return now.timeIntervalSince(last) + 0.001 >= limits.repeatSeconds
    }

    mutating func update(
        rule: AlertRule, upward: Bool, keys: [SeriesKey], series: Int, value: Double, detail: String?,
        trend: TrendEstimate?, increase: Double?, transition: AlertStateMachine.Transition, at now: Date
    ) {
        switch machine.state {
        case .inactive:
            if case .resolved = transition, hasAlert {
                described.value = value
                described.resolvedAt = now
                described.resolveReason = nil
            }
        case .pending(let since), .firing(let since, _):
            // Field by field: comparing through `alert?` copied the whole alert (a dozen
            // references retained and released per firing pair and round).
            let startsFresh =
                if transition == .pending || !hasAlert {
                    true
                } else {
                    described.resolvedAt != nil || (transition == .fired && described.since != since)
                }
            if startsFresh {
                // Straight into the storage: through `alert`'s setter the new alert was wrapped
                // in an optional and copied (thousands of pairs go pending a round in a churn).
                described = Alert(
                    rule: rule.name, severity: rule.severity, family: rule.family, metric: keys[series].name,
                    labels: keys[series].labels, condition: rule.condition, value: value, peak: value, since: since,
                    summaryTemplate: rule.summary)
                hasAlert = true
            } else if transition != .none {
                // A reload may have changed how the rule reads; refresh on transitions only.
                described.severity = rule.severity
                described.condition = rule.condition
                described.summaryTemplate = rule.summary
            }
            // In place: the steady state of a firing alert costs a few stores, no copies.
            described.value = value
            if described.detail != detail { described.detail = detail }
            if upward {
                if value > described.peak { described.peak = value }
            } else if value < described.peak {
                described.peak = value
            }
            if let trend { described.trend = trend }
            if let increase { described.increase = increase }
            if case .firing(_, let firedAt) = machine.state, described.firedAt == nil { described.firedAt = firedAt }
        }
    }

    /// Turns a transition into notifications, applying flap detection, inhibition and repeats.
    mutating func decide(
        _ transition: AlertStateMachine.Transition, inhibited: Bool, limits: AlertPolicy.Limits, at now: Date,
        into out: inout [AlertNotification]
    ) {
        // The steady state of a delivered, firing alert: nothing to do unless a repeat is due.
        if transition == .none, deliveredFiring, !flapping, machine.isFiring {
            guard repeatDue(limits: limits, at: now), !inhibited, hasAlert else { return }
            out.append(AlertNotification(kind: .repeat, alert: described, time: now))
            lastNotifiedAt = now
            return
        }
        let windowStart = now.addingTimeInterval(-limits.flapWindowSeconds)
        if flapOldest < windowStart { flapTimes.removeAll { $0 < windowStart } }

        switch transition {
        case .fired, .resolved:
            flapTimes.append(now)
            // Only the latest `flapMaxChanges + 1` changes decide anything: flapping starts
            // when they all lie inside the window and ends when the latest leaves it. Keeping
            // more would grow the slot with the interval (up to a change a round).
            let kept = max(limits.flapMaxChanges, 0) + 1
            if flapCount > kept { flapTimes.removeFirst(flapCount - kept) }
            if limits.flapMaxChanges > 0, !flapping, flapCount > limits.flapMaxChanges {
                flapping = true
                if let alert {
                    out.append(AlertNotification(kind: .flapping, alert: alert, time: now))
                    deliveredFiring = true
                    lastNotifiedAt = now
                }
                return
            }
        default:
            break
        }

        if flapping {
            // Settled: no fire/resolve for a whole window.
            guard flapCount == 0 else { return }
            flapping = false
            if machine.isFiring, let alert {
                out.append(AlertNotification(kind: .firing, alert: alert, time: now))
                deliveredFiring = true
                lastNotifiedAt = now
            } else if deliveredFiring, var alert {
                if alert.resolvedAt == nil { alert.resolvedAt = now }
                out.append(AlertNotification(kind: .resolved, alert: alert, time: now))
                deliveredFiring = false
            }
            return
        }

        switch transition {
        case .resolved:
            if deliveredFiring, let alert {
                out.append(AlertNotification(kind: .resolved, alert: alert, time: now))
            }
            deliveredFiring = false
            lastNotifiedAt = nil
        case .fired, .none, .pending, .cancelled:
            // Copied only when told: binding it with `let` copied it for every pair.
            guard machine.isFiring, hasAlert, !inhibited else { return }
            if !deliveredFiring {
                out.append(AlertNotification(kind: .firing, alert: described, time: now))
                deliveredFiring = true
                lastNotifiedAt = now
            } else if repeatDue(limits: limits, at: now) {
                out.append(AlertNotification(kind: .repeat, alert: described, time: now))
                lastNotifiedAt = now
            }
        }
    }

    /// True when the slot holds nothing worth keeping for its rule. `keepAbsentFor`: how long
    /// after its series was last seen the rule still needs the slot (a counter's baseline
    /// while the series may come back, `stale_after`; a trend's points, its `window`), or nil
    /// when it never does. A series gone longer (a process that exited, a container that is
    /// gone) is released, so churning label sets do not grow the engine.
    func isDisposable(keepAbsentFor: Double?, at now: Date) -> Bool {
        guard !machine.isActive, !deliveredFiring, !flapping, flapCount == 0 else { return false }
        guard let keepAbsentFor else { return true }
        let absent = machine.lastSeenAt.map { now.timeIntervalSince($0) } ?? .infinity
        return absent > keepAbsentFor
    }
}
