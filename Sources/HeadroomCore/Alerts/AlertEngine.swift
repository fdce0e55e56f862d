#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Evaluates every rule on every matching series, drives one `AlertStateMachine` per
/// (rule, series), and decides which notifications to send: firing, repeat, resolved,
/// flapping; with inhibition inside a rule family.
///
/// Pure: it takes samples and `now`, returns notifications, and keeps its state in
/// value types. Series are interned to integer ids once per round so that the per-rule
/// work is array and integer-dictionary access (1,000 series × 20 rules in well under
/// the 2 ms budget; see BENCHMARKS.md).
public struct AlertEngine: Sendable {
    public private(set) var rules: [AlertRule]
    public var policy: AlertPolicy

    // MARK: Series table

    var seriesIndex: [SeriesKey: Int] = [:]
    var seriesKeys: [SeriesKey] = []
    /// Per series: an id of its label set, so inhibition compares integers, not labels.
    private var labelIDs: [Int] = []
    private var labelIndex: [Labels: Int] = [:]
    private var nextLabelID = 0
    /// Label-set ids of pruned series, reused by new label sets.
    private var freeLabelIDs: [Int] = []
    /// Scratch table of the inhibition pass (all zero between rounds).
    private var inhibition: [UInt8] = []
    private var values: [Double] = []
    private var details: [String?] = []
    private var seenRound: [UInt64] = []
    /// Series ids by metric name, for capacity lookups across label sets.
    private var seriesByName: [String: [Int]] = [:]
    /// Ids of pruned series, reused by the next new series.
    private var freeIDs: [Int] = []
    /// How many rounds a series may go unseen, with no alert state, before it is forgotten.
    public static let pruneAfterRounds: UInt64 = 256
    private var round: UInt64 = 0

    // MARK: Per-rule state

    private var rulesByMetric: [String: [Int]] = [:]
    /// Per rule: its family's index, and whether other rules share the family.
    private var familyOf: [Int] = []
    private var familyShared: [Bool] = []
    private var matched: [[Int]] = []
    /// Per rule, by series id: the state the rule holds for the series (only where it holds any).
    var slots = SlotTable(rules: 0, series: 0)
    /// Samples of new series refused because `policy.maxSeries` series are tracked: in the
    /// latest round, and since the engine started.
    public private(set) var lastRoundRefusedSamples = 0
    public private(set) var refusedSamplesTotal: UInt64 = 0
    /// True when the latest round changed some alert's state (a transition or a
    /// notification): what a saver writes at once rather than on its next period.
    public private(set) var lastRoundTransitioned = false

    public init(rules: [AlertRule], policy: AlertPolicy = AlertPolicy()) {
        self.rules = rules
        self.policy = policy
        rebuildRuleIndex(keeping: [:])
    }

    // MARK: - Evaluation

    /// Evaluates one round of samples taken at `now` and returns the notifications to send:
    /// resolutions first, then the rest, each in rule then series order.
    public mutating func evaluate(_ samples: [Sample], at now: Date) -> [AlertNotification] {
        round &+= 1
        if round % Self.pruneAfterRounds == 0 { pruneSeries() }
        lastRoundRefusedSamples = 0
        for sample in samples {
            // At the cap, a new series is refused (and counted); known ones go on.
            guard let id = seriesIndex[sample.key] ?? (seriesIndex.count < policy.maxSeries ? intern(sample.key) : nil) else {
                lastRoundRefusedSamples += 1
                refusedSamplesTotal &+= 1
                continue
            }
            values[id] = sample.value
            details[id] = sample.detail
            seenRound[id] = round
        }

        // Pass 1: advance every state machine.
        var touched: [(rule: Int, series: Int, transition: AlertStateMachine.Transition)] = []
        for ruleIndex in rules.indices {
            let rule = rules[ruleIndex]
            for id in matched[ruleIndex] {
                if seenRound[id] == round {
                    if let transition = observe(ruleIndex: ruleIndex, rule: rule, series: id, at: now) {
                        touched.append((ruleIndex, id, transition))
                    }
                } else if slots.position(ruleIndex, id) != nil {
                    let transition = observeAbsent(ruleIndex: ruleIndex, series: id, at: now)
                    touched.append((ruleIndex, id, transition))
                }
            }
        }

        // Inhibition: the highest firing severity per (family, series labels), in a flat
        // table indexed by label-set id × family (no hashing), cleared after use.
        let familyCount = familyShared.count
        var dirty: [Int] = []
        if policy.inhibit {
            let needed = nextLabelID * familyCount
            if inhibition.count < needed { inhibition += Array(repeating: 0, count: needed - inhibition.count) }
            for entry in touched where familyShared[entry.rule] {
                guard let position = slots.position(entry.rule, entry.series), slots[at: position].machine.isFiring else { continue }
                let index = labelIDs[entry.series] * familyCount + familyOf[entry.rule]
                let rank = rules[entry.rule].severity.inhibitionRank
                if inhibition[index] == 0 { dirty.append(index) }
                if inhibition[index] < rank { inhibition[index] = rank }
            }
        }

        // Pass 2: decide what to tell people. Slots are mutated in place (a slot is a few
        // hundred bytes: moving it out and back cost more than the decision itself).
        var out: [AlertNotification] = []
        let policy = self.policy
        for entry in touched {
            guard let position = slots.position(entry.rule, entry.series) else { continue }
            var inhibited = false
            if policy.inhibit, familyShared[entry.rule] {
                let top = inhibition[labelIDs[entry.series] * familyCount + familyOf[entry.rule]]
                inhibited = top > rules[entry.rule].severity.inhibitionRank
            }
            slots[at: position].decide(entry.transition, inhibited: inhibited, policy: policy, at: now, into: &out)
            if slots[at: position].isDisposable(condition: rules[entry.rule].condition, staleAfter: policy.staleAfter, at: now) {
                slots.remove(rule: entry.rule, series: entry.series)
            }
        }
        for index in dirty { inhibition[index] = 0 }
        lastRoundTransitioned = !out.isEmpty || touched.contains { $0.transition != .none }
        // Resolutions first: "critical resolved, warning firing" reads in the order it happened.
        return out.filter { $0.kind == .resolved } + out.filter { $0.kind != .resolved }
    }

    /// The alerts currently firing, for exporters and `headroom check`.
    public var firingAlerts: [Alert] {
        var out: [Alert] = []
        for ruleIndex in rules.indices {
            for (_, slot) in slots.entries(rule: ruleIndex) where slot.machine.isFiring {
                if let alert = slot.alert { out.append(alert) }
            }
        }
        return out.sorted { ($0.rule, $0.labels) < ($1.rule, $1.labels) }
    }

    // MARK: - Reload

    /// Swaps in a new rule set, keeping the state of rules whose name and selector are
    /// unchanged. Delivered alerts of removed or re-targeted rules resolve, so every
    /// delivered firing is followed by a resolved.
    public mutating func replaceRules(_ newRules: [AlertRule], policy newPolicy: AlertPolicy, at now: Date) -> [AlertNotification] {
        var keep: [String: [(series: Int, slot: AlertSlot)]] = [:]
        var out: [AlertNotification] = []
        let incoming = Dictionary(newRules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (ruleIndex, rule) in rules.enumerated() {
            if let replacement = incoming[rule.name], replacement.selector == rule.selector,
               sameKind(replacement.condition, rule.condition) {
                keep[rule.name] = slots.entries(rule: ruleIndex).map { entry in
                    var slot = entry.slot
                    slot.machine.timing = timing(for: replacement, policy: newPolicy)
                    return (entry.series, slot)
                }
                continue
            }
            for slot in slots.entries(rule: ruleIndex).map(\.slot).sorted(by: { $0.alert?.labels ?? .none < $1.alert?.labels ?? .none }) where slot.deliveredFiring {
                guard var alert = slot.alert else { continue }
                alert.resolvedAt = now
                alert.resolveReason = "rule \(incoming[rule.name] == nil ? "removed" : "changed") by configuration reload"
                out.append(AlertNotification(kind: .resolved, alert: alert, time: now))
            }
        }
        rules = newRules
        policy = newPolicy
        rebuildRuleIndex(keeping: keep)
        return out
    }

    // MARK: - Internals

    func sameKind(_ left: Condition, _ right: Condition) -> Bool {
        switch (left, right) {
        case (.increases, .increases), (.trend, .trend): true
        case (.increases, _), (_, .increases), (.trend, _), (_, .trend): false
        default: true
        }
    }

    func timing(for rule: AlertRule, policy: AlertPolicy) -> AlertStateMachine.Timing {
        AlertStateMachine.Timing(hold: rule.hold, keepFiringFor: rule.keepFiringFor, staleAfter: policy.staleAfter)
    }

    private mutating func rebuildRuleIndex(keeping: [String: [(series: Int, slot: AlertSlot)]]) {
        rulesByMetric = [:]
        var families: [String: Int] = [:]
        familyOf = []
        for (index, rule) in rules.enumerated() {
            rulesByMetric[rule.selector.metric, default: []].append(index)
            if families[rule.family] == nil { families[rule.family] = families.count }
            familyOf.append(families[rule.family]!)
        }
        familyShared = familyOf.map { family in familyOf.filter { $0 == family }.count > 1 }
        matched = rules.map { rule in
            seriesKeys.indices.filter { seriesIndex[seriesKeys[$0]] == $0 && rule.selector.matches(seriesKeys[$0]) }
        }
        slots = SlotTable(rules: rules.count, series: seriesKeys.count)
        for (ruleIndex, rule) in rules.enumerated() {
            for (series, slot) in keeping[rule.name] ?? [] { slots.insert(slot, rule: ruleIndex, series: series) }
        }
    }

    mutating func intern(_ key: SeriesKey) -> Int {
        if let id = seriesIndex[key] { return id }
        let labelID: Int
        if let existing = labelIndex[key.labels] {
            labelID = existing
        } else if let reused = freeLabelIDs.popLast() {
            labelID = reused
            labelIndex[key.labels] = labelID
        } else {
            labelID = nextLabelID
            nextLabelID += 1
            labelIndex[key.labels] = labelID
        }
        let id: Int
        if let reused = freeIDs.popLast() {
            // A pruned series' slot: every rule's state for it is already nil.
            id = reused
            seriesKeys[id] = key
            labelIDs[id] = labelID
            values[id] = .nan
            details[id] = nil
            seenRound[id] = 0
        } else {
            id = seriesKeys.count
            seriesKeys.append(key)
            labelIDs.append(labelID)
            values.append(.nan)
            details.append(nil)
            seenRound.append(0)
            slots.reserve(series: seriesKeys.count)
        }
        seriesIndex[key] = id
        seriesByName[key.name, default: []].append(id)
        for ruleIndex in rulesByMetric[key.name] ?? [] where rules[ruleIndex].selector.matchesLabels(key.labels) {
            matched[ruleIndex].append(id)
        }
        return id
    }

    /// Forgets series unseen for `pruneAfterRounds` rounds that no rule holds state for
    /// (a process that exited, a container that is gone), so churning label sets such as
    /// per-process GPU series do not grow the table forever. Their ids are reused.
    private mutating func pruneSeries() {
        guard round > Self.pruneAfterRounds else { return }
        let horizon = round - Self.pruneAfterRounds
        var pruned: Set<Int> = []
        for id in seriesKeys.indices where seenRound[id] < horizon && seriesIndex[seriesKeys[id]] == id {
            guard !slots.holdsAny(series: id) else { continue }
            pruned.insert(id)
        }
        guard !pruned.isEmpty else { return }
        for id in pruned {
            seriesIndex[seriesKeys[id]] = nil
            seriesByName[seriesKeys[id].name]?.removeAll { $0 == id }
            seenRound[id] = 0
        }
        for ruleIndex in matched.indices { matched[ruleIndex].removeAll { pruned.contains($0) } }
        freeIDs += pruned.sorted(by: >)
        // Label sets no live series uses any more.
        let live = Set(seriesIndex.values.map { labelIDs[$0] })
        for (_, labelID) in labelIndex where !live.contains(labelID) { freeLabelIDs.append(labelID) }
        labelIndex = labelIndex.filter { live.contains($0.value) }
    }

    /// The number of series the engine currently tracks (for tests and self-metrics).
    public var trackedSeries: Int { seriesIndex.count }

    private func currentValue(_ key: SeriesKey) -> Double? {
        guard let id = seriesIndex[key], seenRound[id] == round else { return nil }
        return values[id]
    }

    /// The capacity series of a trend: the one with the same labels, else the one whose
    /// labels all appear on the usage series (`gpu_memory_total_bytes{gpu="0",…}` for
    /// `gpu_process_memory_used_bytes{gpu="0",…,pid="4242"}`).
    private func capacityValue(_ name: String, for labels: Labels) -> Double? {
        if let exact = currentValue(SeriesKey(name, labels)) { return exact }
        for id in seriesByName[name] ?? [] where seenRound[id] == round {
            if seriesKeys[id].labels.pairs.allSatisfy({ labels[$0.name] == $0.value }) { return values[id] }
        }
        return nil
    }

    /// Feeds the series' value to its machine; nil when nothing changed and no state exists.
    private mutating func observe(ruleIndex: Int, rule: AlertRule, series id: Int, at now: Date) -> AlertStateMachine.Transition? {
        let value = values[id]
        var position = slots.position(ruleIndex, id)
        var breached = false
        var cleared = true
        var trend: TrendEstimate?
        var increase: Double?

        switch rule.condition {
        case .above(let threshold):
            breached = value > threshold
            cleared = rule.clear.map { value < $0 } ?? !breached
        case .atLeast(let threshold):
            breached = value >= threshold
            cleared = rule.clear.map { value < $0 } ?? !breached
        case .below(let threshold):
            breached = value < threshold
            cleared = rule.clear.map { value > $0 } ?? !breached
        case .atMost(let threshold):
            breached = value <= threshold
            cleared = rule.clear.map { value > $0 } ?? !breached
        case .increases:
            let at = position ?? slots.insert(AlertSlot(timing: timing(for: rule, policy: policy)), rule: ruleIndex, series: id)
            position = at
            if let previous = slots[at: at].previousValue, value > previous {
                breached = true
                increase = value - previous
            }
            slots[at: at].previousValue = value
            cleared = !breached
        case .trend(let condition):
            let at = position ?? slots.insert(AlertSlot(timing: timing(for: rule, policy: policy)), rule: ruleIndex, series: id)
            position = at
            let time = now.timeIntervalSinceReferenceDate
            slots[at: at].appendTrend(time: time, value: value, horizon: time - condition.window.headroomSeconds)
            let slot = slots[at: at]
            let capacity: Double?
            switch condition.capacity {
            case .fixed(let fixed): capacity = fixed
            case .metric(let name): capacity = capacityValue(name, for: seriesKeys[id].labels)
            }
            if let capacity, capacity > 0, slot.trendTimes.count >= condition.minimumSamples,
               let fit = TrendFit.fit(times: slot.trendTimes, values: slot.trendValues),
               fit.span >= condition.window.headroomSeconds / 2, fit.r2 >= condition.minimumR2,
               let eta = fit.secondsUntil(capacity), eta < condition.exhaustionWithin.headroomSeconds {
                breached = true
                trend = TrendEstimate(slopePerSecond: fit.slope, secondsToExhaustion: eta, capacity: capacity, r2: fit.r2)
            }
            cleared = !breached
        }

        let at: Int
        if let position {
            at = position
        } else {
            if !breached { return nil }
            at = slots.insert(AlertSlot(timing: timing(for: rule, policy: policy)), rule: ruleIndex, series: id)
        }
        let key = seriesKeys[id]
        let detail = details[id]
        // In place: see pass 2.
        let transition = slots[at: at].advance(
            breached: breached, cleared: cleared, rule: rule, key: key, value: value, detail: detail,
            trend: trend, increase: increase, at: now)
        if transition == .none, slots[at: at].isQuiet {
            // Pending, or inactive with history only (counters, trends): nothing to decide this round.
            return nil
        }
        return transition
    }

    private mutating func observeAbsent(ruleIndex: Int, series id: Int, at now: Date) -> AlertStateMachine.Transition {
        guard let at = slots.position(ruleIndex, id) else { return .none }
        let transition = slots[at: at].machine.observeAbsent(at: now)
        if case .resolved(let reason) = transition {
            slots[at: at].alert?.resolveReason = reason
            slots[at: at].alert?.resolvedAt = now
        }
        return transition
    }
}

/// Everything the engine remembers about one rule on one series.
struct AlertSlot: Sendable {
    var machine: AlertStateMachine
    /// The alert as last described (kept after resolution until notified).
    var alert: Alert?
    /// A firing (or flapping) notification went out and no resolved has closed it yet.
    var deliveredFiring = false
    var lastNotifiedAt: Date?
    /// Times of fire/resolve transitions inside the flap window.
    var flapTimes: [Date] = []
    var flapping = false
    /// `increases` rules: the previous counter value.
    var previousValue: Double?
    /// Trend rules: the fit window.
    var trendTimes: [Double] = []
    var trendValues: [Double] = []

    init(timing: AlertStateMachine.Timing) {
        machine = AlertStateMachine(timing: timing)
    }

    /// Feeds one observation to the machine and refreshes the alert's description.
    mutating func advance(
        breached: Bool, cleared: Bool, rule: AlertRule, key: SeriesKey, value: Double, detail: String?,
        trend: TrendEstimate?, increase: Double?, at now: Date
    ) -> AlertStateMachine.Transition {
        let transition = machine.observe(breached: breached, cleared: cleared, at: now)
        update(rule: rule, key: key, value: value, detail: detail, trend: trend, increase: increase, transition: transition, at: now)
        return transition
    }

    /// Nothing to tell anyone about: not firing, nothing delivered, not flapping.
    var isQuiet: Bool { !machine.isFiring && !deliveredFiring && !flapping && flapTimes.isEmpty }

    /// Adds a point to the trend window and drops the points older than `horizon`.
    mutating func appendTrend(time: Double, value: Double, horizon: Double) {
        trendTimes.append(time)
        trendValues.append(value)
        if let firstKept = trendTimes.firstIndex(where: { $0 >= horizon }), firstKept > 0 {
            trendTimes.removeFirst(firstKept)
            trendValues.removeFirst(firstKept)
        }
    }

    mutating func update(
        rule: AlertRule, key: SeriesKey, value: Double, detail: String?, trend: TrendEstimate?, increase: Double?,
        transition: AlertStateMachine.Transition, at now: Date
    ) {
        switch machine.state {
        case .inactive:
            if case .resolved = transition, var alert {
                alert.value = value
                alert.resolvedAt = now
                alert.resolveReason = nil
                self.alert = alert
            }
        case .pending(let since), .firing(let since, _):
            let startsFresh = transition == .pending || (transition == .fired && alert?.since != since)
                || alert == nil || alert?.resolvedAt != nil
            if startsFresh {
                alert = Alert(rule: rule.name, severity: rule.severity, family: rule.family, metric: key.name, labels: key.labels,
                              condition: rule.condition, value: value, peak: value, since: since, summaryTemplate: rule.summary)
            } else if transition != .none {
                // A reload may have changed how the rule reads; refresh on transitions only.
                alert!.severity = rule.severity
                alert!.condition = rule.condition
                alert!.summaryTemplate = rule.summary
            }
            // In place: the steady state of a firing alert costs a few stores, no copies.
            alert!.value = value
            if alert!.detail != detail { alert!.detail = detail }
            if rule.condition.isUpward { if value > alert!.peak { alert!.peak = value } } else if value < alert!.peak { alert!.peak = value }
            if let trend { alert!.trend = trend }
            if let increase { alert!.increase = increase }
            if case .firing(_, let firedAt) = machine.state, alert!.firedAt == nil { alert!.firedAt = firedAt }
        }
    }

    /// Turns a transition into notifications, applying flap detection, inhibition and repeats.
    mutating func decide(
        _ transition: AlertStateMachine.Transition, inhibited: Bool, policy: AlertPolicy, at now: Date,
        into out: inout [AlertNotification]
    ) {
        // The steady state of a delivered, firing alert: nothing to do unless a repeat is due.
        if transition == .none, deliveredFiring, !flapping, flapTimes.isEmpty, machine.isFiring {
            guard policy.repeatInterval > .zero, let last = lastNotifiedAt,
                  now.timeIntervalSince(last) + 0.001 >= policy.repeatInterval.headroomSeconds, !inhibited, let alert else { return }
            out.append(AlertNotification(kind: .repeat, alert: alert, time: now))
            lastNotifiedAt = now
            return
        }
        let windowStart = now.addingTimeInterval(-policy.flapWindow.headroomSeconds)
        flapTimes.removeAll { $0 < windowStart }

        switch transition {
        case .fired, .resolved:
            flapTimes.append(now)
            if policy.flapMaxChanges > 0, !flapping, flapTimes.count > policy.flapMaxChanges {
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
            guard flapTimes.isEmpty else { return }
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
            guard machine.isFiring, let alert, !inhibited else { return }
            if !deliveredFiring {
                out.append(AlertNotification(kind: .firing, alert: alert, time: now))
                deliveredFiring = true
                lastNotifiedAt = now
            } else if policy.repeatInterval > .zero, let last = lastNotifiedAt,
                      now.timeIntervalSince(last) + 0.001 >= policy.repeatInterval.headroomSeconds {
                out.append(AlertNotification(kind: .repeat, alert: alert, time: now))
                lastNotifiedAt = now
            }
        }
    }

    /// True when the slot holds nothing worth keeping for this rule. A counter's baseline
    /// is kept while its series may come back (`stale_after`), a trend's window while it
    /// still holds points (`window`): a series gone longer (a process that exited, a
    /// container that is gone) is released, so churning label sets do not grow the engine.
    func isDisposable(condition: Condition, staleAfter: Duration, at now: Date) -> Bool {
        guard !machine.isActive, !deliveredFiring, !flapping, flapTimes.isEmpty else { return false }
        let absent = machine.lastSeenAt.map { now.timeIntervalSince($0) } ?? .infinity
        switch condition {
        case .increases: return absent > staleAfter.headroomSeconds
        case .trend(let trend): return absent > trend.window.headroomSeconds
        default: return true
        }
    }
}
