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
/// work is array access on state mutated in place (1,000 series × 20 rules in well under
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
    private var shapes: [RuleShape] = []
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
    /// The (rule, series) pairs a round must look at again after pass 1; kept between rounds
    /// for its capacity (thousands of entries in a storm).
    private var touchedScratch: [Touch] = []

    /// What every observation of one round shares.
    private struct Round {
        var keys: [SeriesKey]
        var details: [String?]
        var policy: AlertPolicy
        var limits: AlertPolicy.Limits
        var time: Date
    }

    /// What the round's inner loop needs of a rule, as plain values: a `Condition` may hold
    /// strings (a trend's capacity metric), so each copy of it was a retain and a release.
    private struct RuleShape {
        enum Test { case above, atLeast, below, atMost, increases, trend }
        var test: Test
        var threshold: Double
        var clear: Double?
        var upward: Bool
        /// Trend rules: the fit window in seconds, which is how long a vanished series' points are kept.
        var window: Double

        init(_ rule: AlertRule) {
            clear = rule.clear
            upward = rule.condition.isUpward
            threshold = rule.condition.threshold ?? 0
            window = 0
            switch rule.condition {
            case .above: test = .above
            case .atLeast: test = .atLeast
            case .below: test = .below
            case .atMost: test = .atMost
            case .increases: test = .increases
            case .trend(let trend): test = .trend; window = trend.window.headroomSeconds
            }
        }

        /// How long a slot without alert state is kept after its series was last seen: a
        /// counter's baseline while the series may come back, a trend's points while they
        /// are in its window; nil: released at once.
        func keepAbsentFor(_ limits: AlertPolicy.Limits) -> Double? {
            switch test {
            case .increases: limits.staleAfterSeconds
            case .trend: window
            case .above, .atLeast, .below, .atMost: nil
            }
        }
    }

    /// A pair pass 1 left something to decide for (or, `steady`, only a firing alert the
    /// inhibition pass must see): what pass 2 needs without touching the slot again.
    private struct Touch {
        var rule: Int
        var series: Int
        var transition: AlertStateMachine.Transition
        var firing: Bool
        /// A delivered firing alert, unchanged, with no repeat due: nothing to decide.
        var steady: Bool
    }

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
        var touched = touchedScratch
        touchedScratch = []
        touched.removeAll(keepingCapacity: true)
        let policy = self.policy
        // Read through local copies (one retain each per round) so the slots can be
        // mutated in place while a fresh alert reads its series' key.
        let limits = AlertPolicy.Limits(policy)
        let round = Round(keys: seriesKeys, details: details, policy: policy, limits: limits, time: now)
        for ruleIndex in rules.indices {
            let rule = rules[ruleIndex]
            for id in matched[ruleIndex] {
                if seenRound[id] == self.round {
                    if let touch = observe(ruleIndex: ruleIndex, rule: rule, series: id, round) {
                        touched.append(touch)
                    }
                } else if let position = slots.position(ruleIndex, id) {
                    let (transition, firing) = slots.update(at: position) { $0.observeAbsent(at: now) }
                    touched.append(Touch(rule: ruleIndex, series: id, transition: transition, firing: firing, steady: false))
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
            for entry in touched where entry.firing && familyShared[entry.rule] {
                let index = labelIDs[entry.series] * familyCount + familyOf[entry.rule]
                let rank = rules[entry.rule].severity.inhibitionRank
                if inhibition[index] == 0 { dirty.append(index) }
                if inhibition[index] < rank { inhibition[index] = rank }
            }
        }

        // Pass 2: decide what to tell people. Slots are mutated in place (a slot is a few
        // hundred bytes: moving it out and back cost more than the decision itself).
        var out: [AlertNotification] = []
        for entry in touched where !entry.steady {
            guard let position = slots.position(entry.rule, entry.series) else { continue }
            var inhibited = false
            if policy.inhibit, familyShared[entry.rule] {
                let top = inhibition[labelIDs[entry.series] * familyCount + familyOf[entry.rule]]
                inhibited = top > rules[entry.rule].severity.inhibitionRank
            }
            let keepAbsentFor = shapes[entry.rule].keepAbsentFor(limits)
            let disposable = slots.update(at: position) { slot in
                slot.decide(entry.transition, inhibited: inhibited, limits: limits, at: now, into: &out)
                return slot.isDisposable(keepAbsentFor: keepAbsentFor, at: now)
            }
            if disposable { slots.remove(rule: entry.rule, series: entry.series) }
        }
        for index in dirty { inhibition[index] = 0 }
        lastRoundTransitioned = !out.isEmpty || touched.contains { $0.transition != .none }
        touched.removeAll(keepingCapacity: true)
        touchedScratch = touched
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
        shapes = rules.map(RuleShape.init)
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

    /// Feeds the series' value to its machine; nil when there is nothing to decide and no
    /// firing alert the inhibition pass must see.
    private mutating func observe(ruleIndex: Int, rule: AlertRule, series id: Int, _ round: Round) -> Touch? {
        let now = round.time
        let policy = round.policy
        let shape = shapes[ruleIndex]
        let value = values[id]
        var position = slots.position(ruleIndex, id)
        var breached = false
        var cleared = true
        var trend: TrendEstimate?
        var increase: Double?

        switch shape.test {
        case .above:
            breached = value > shape.threshold
            cleared = shape.clear.map { value < $0 } ?? !breached
        case .atLeast:
            breached = value >= shape.threshold
            cleared = shape.clear.map { value < $0 } ?? !breached
        case .below:
            breached = value < shape.threshold
            cleared = shape.clear.map { value > $0 } ?? !breached
        case .atMost:
            breached = value <= shape.threshold
            cleared = shape.clear.map { value > $0 } ?? !breached
        case .increases:
            let at = position ?? slots.insert(AlertSlot(timing: timing(for: rule, policy: policy)), rule: ruleIndex, series: id)
            position = at
            increase = slots.update(at: at) { slot in
                defer { slot.previousValue = value }
                guard let previous = slot.previousValue, value > previous else { return nil }
                return value - previous
            }
            breached = increase != nil
            cleared = !breached
        case .trend:
            guard case .trend(let condition) = rule.condition else { preconditionFailure("shape of another rule") }
            let at = position ?? slots.insert(AlertSlot(timing: timing(for: rule, policy: policy)), rule: ruleIndex, series: id)
            position = at
            let time = now.timeIntervalSinceReferenceDate
            let capacity: Double?
            switch condition.capacity {
            case .fixed(let fixed): capacity = fixed
            case .metric(let name): capacity = capacityValue(name, for: seriesKeys[id].labels)
            }
            let fit = slots.update(at: at) { slot -> TrendFit? in
                slot.appendTrend(time: time, value: value, horizon: time - condition.window.headroomSeconds)
                guard let capacity, capacity > 0, slot.trendTimes.count >= condition.minimumSamples else { return nil }
                return TrendFit.fit(times: slot.trendTimes, values: slot.trendValues)
            }
            if let capacity, let fit,
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
        // In place: see pass 2.
        return slots.update(at: at) { slot -> Touch? in
            let transition = slot.advance(
                breached: breached, cleared: cleared, rule: rule, upward: shape.upward, keys: round.keys, series: id,
                value: value, detail: round.details[id], trend: trend, increase: increase, at: now)
            var steady = false
            if transition == .none {
                // Pending, or inactive with history only (counters, trends): nothing to decide this round.
                if slot.isQuiet { return nil }
                steady = slot.isSteady(limits: round.limits, at: now)
            }
            return Touch(rule: ruleIndex, series: id, transition: transition, firing: slot.machine.isFiring, steady: steady)
        }
    }
}

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
    /// Times of fire/resolve transitions inside the flap window.
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
    /// Trend rules: the fit window.
    var trendTimes: [Double] = []
    var trendValues: [Double] = []

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
        update(rule: rule, upward: upward, keys: keys, series: series, value: value, detail: detail, trend: trend,
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
            let startsFresh = if transition == .pending || !hasAlert {
                true
            } else {
                described.resolvedAt != nil || (transition == .fired && described.since != since)
            }
            if startsFresh {
                let key = keys[series]
                alert = Alert(rule: rule.name, severity: rule.severity, family: rule.family, metric: key.name, labels: key.labels,
                              condition: rule.condition, value: value, peak: value, since: since, summaryTemplate: rule.summary)
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
