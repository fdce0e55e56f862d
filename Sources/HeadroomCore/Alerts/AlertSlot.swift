#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Everything the engine remembers about one rule on one series.
struct AlertSlot: Sendable {
    var machine: AlertStateMachine
    /// The alert's own facts, valid while `hasAlert`. The rest of the alert (the rule's name,
    /// severity, family, condition and summary; the series' metric and labels) is read from
    /// the rule and the series when the alert is described (`alert(rule:key:)`): going
    /// pending stores a few numbers and retains nothing, where describing a whole alert
    /// retained seven references and released the seven of the one before (thousands of
    /// pairs go pending a round in a churn), and a slot is 384 bytes instead of 536.
    private var facts = Facts()
    private(set) var hasAlert = false

    /// What an alert holds of its own.
    struct Facts: Sendable {
        /// When the condition started holding.
        var since = Date(timeIntervalSinceReferenceDate: 0)
        var value = 0.0
        var peak = 0.0
        var firedAt: Date?
        var resolvedAt: Date?
        var detail: String?
        var trend: TrendEstimate?
        var increase: Double?
        var resolveReason: String?
    }

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

    /// The alert, described with its rule's fields and its series' (the rule and series the
    /// slot belongs to), or nil when it has none. A reloaded rule's severity, condition and
    /// summary show in the next notification.
    func alert(rule: AlertRule, key: SeriesKey) -> Alert? {
        guard hasAlert else { return nil }
        return Alert(
            rule: rule.name, severity: rule.severity, family: rule.family, metric: key.name, labels: key.labels,
            condition: rule.condition, value: facts.value, peak: facts.peak, since: facts.since, firedAt: facts.firedAt,
            resolvedAt: facts.resolvedAt, detail: facts.detail, trend: facts.trend, increase: facts.increase,
            summaryTemplate: rule.summary, resolveReason: facts.resolveReason)
    }

    /// Takes up a saved alert's own facts (a restart); the rest is its rule's and series'.
    mutating func takeUp(_ alert: Alert?) {
        hasAlert = alert != nil
        guard let alert else {
            facts = Facts()
            return
        }
        facts = Facts(
            since: alert.since, value: alert.value, peak: alert.peak, firedAt: alert.firedAt, resolvedAt: alert.resolvedAt,
            detail: alert.detail, trend: alert.trend, increase: alert.increase, resolveReason: alert.resolveReason)
    }

    /// Feeds one observation to the machine and refreshes the alert's facts.
    mutating func advance(
        breached: Bool, cleared: Bool, upward: Bool, value: Double, detail: String?, trend: TrendEstimate?,
        increase: Double?, at now: Date
    ) -> AlertStateMachine.Transition {
        let transition = machine.observe(breached: breached, cleared: cleared, at: now)
        update(upward: upward, value: value, detail: detail, trend: trend, increase: increase, transition: transition, at: now)
        return transition
    }

    /// A round without a sample of the series; returns the transition and whether it still fires.
    mutating func observeAbsent(at now: Date) -> (AlertStateMachine.Transition, firing: Bool) {
        let transition = machine.observeAbsent(at: now)
        if case .resolved = transition, hasAlert {
            facts.resolveReason = transition.reason
            facts.resolvedAt = now
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
        upward: Bool, value: Double, detail: String?, trend: TrendEstimate?, increase: Double?,
        transition: AlertStateMachine.Transition, at now: Date
    ) {
        switch machine.state {
        case .inactive:
            if case .resolved = transition, hasAlert {
                facts.value = value
                facts.resolvedAt = now
                facts.resolveReason = nil
            }
        case .pending(let since), .firing(let since, _):
            let startsFresh =
                transition == .pending || !hasAlert || facts.resolvedAt != nil
                || (transition == .fired && facts.since != since)
            if startsFresh {
                facts = Facts(since: since, value: value, peak: value)
                hasAlert = true
            }
            // In place: the steady state of a firing alert costs a few stores, no copies.
            facts.value = value
            if facts.detail != detail { facts.detail = detail }
            if upward {
                if value > facts.peak { facts.peak = value }
            } else if value < facts.peak {
                facts.peak = value
            }
            if let trend { facts.trend = trend }
            if let increase { facts.increase = increase }
            if case .firing(_, let firedAt) = machine.state, facts.firedAt == nil { facts.firedAt = firedAt }
        }
    }

    /// Turns a transition into what to tell people, applying flap detection, inhibition and
    /// repeats: the kind of notification to send with the slot's alert, if any (at most one).
    mutating func decide(
        _ transition: AlertStateMachine.Transition, inhibited: Bool, limits: AlertPolicy.Limits, at now: Date
    ) -> AlertNotification.Kind? {
        // The steady state of a delivered, firing alert: nothing to do unless a repeat is due.
        if transition == .none, deliveredFiring, !flapping, machine.isFiring {
            guard repeatDue(limits: limits, at: now), !inhibited, hasAlert else { return nil }
            lastNotifiedAt = now
            return .repeat
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
                guard hasAlert else { return nil }
                deliveredFiring = true
                lastNotifiedAt = now
                return .flapping
            }
        default:
            break
        }

        if flapping {
            // Settled: no fire/resolve for a whole window.
            guard flapCount == 0 else { return nil }
            flapping = false
            guard hasAlert else { return nil }
            if machine.isFiring {
                deliveredFiring = true
                lastNotifiedAt = now
                return .firing
            }
            guard deliveredFiring else { return nil }
            if facts.resolvedAt == nil { facts.resolvedAt = now }
            deliveredFiring = false
            return .resolved
        }

        switch transition {
        case .resolved:
            let notify = deliveredFiring && hasAlert
            deliveredFiring = false
            lastNotifiedAt = nil
            return notify ? .resolved : nil
        case .fired, .none, .pending, .cancelled:
            guard machine.isFiring, hasAlert, !inhibited else { return nil }
            if !deliveredFiring {
                deliveredFiring = true
                lastNotifiedAt = now
                return .firing
            }
            guard repeatDue(limits: limits, at: now) else { return nil }
            lastNotifiedAt = now
            return .repeat
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
