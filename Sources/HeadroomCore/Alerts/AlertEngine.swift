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
    public internal(set) var rules: [AlertRule]
    /// Set at start and by `replaceRules`, which gives every machine its rule's timing under it.
    public internal(set) var policy: AlertPolicy

    // MARK: Series table

    var seriesIndex: [SeriesKey: Int] = [:]
    var seriesKeys: [SeriesKey] = []
    /// Per series: an id of its label set, so inhibition compares integers, not labels.
    var labelIDs: [Int] = []
    var labelIndex: [Labels: Int] = [:]
    var nextLabelID = 0
    /// Label-set ids of pruned series, reused by new label sets.
    var freeLabelIDs: [Int] = []
    /// Scratch table of the inhibition pass (all zero between rounds).
    var inhibition: [UInt8] = []
    var values: [Double] = []
    var details: [String?] = []
    var seenRound: [UInt64] = []
    /// Series ids by metric name, for capacity lookups across label sets.
    var seriesByName: [String: [Int]] = [:]
    /// Ids of pruned series, reused by the next new series.
    var freeIDs: [Int] = []
    /// The series id of each sample of the latest round, by position (-1: refused).
    var idsByPosition: [Int] = []
    /// The layout the latest round's samples were in, while `idsByPosition` holds an id for
    /// every position: a round in the same layout takes its ids from there, comparing nothing.
    var idsLayout: SeriesLayout?
    /// How many rounds a series may go unseen, with no alert state, before it is forgotten.
    public static let pruneAfterRounds: UInt64 = 256
    var round: UInt64 = 0

    // MARK: Per-rule state

    var rulesByMetric: [String: [Int]] = [:]
    var shapes: [RuleShape] = []
    /// Per rule: its timing, which every machine of the rule shares (`refreshTimings`).
    var timings: [AlertStateMachine.Timing] = []
    /// Per rule: its family's index, and whether other rules share the family.
    var familyOf: [Int] = []
    var familyShared: [Bool] = []
    var matched: [[Int]] = []
    /// Per rule, by series id: the state the rule holds for the series (only where it holds any).
    var slots = SlotTable(rules: 0, series: 0)
    /// Samples of new series refused because `policy.maxSeries` series are tracked: in the
    /// latest round, and since the engine started.
    public internal(set) var lastRoundRefusedSamples = 0
    public internal(set) var refusedSamplesTotal: UInt64 = 0
    /// True when the latest round changed some alert's state (a transition or a
    /// notification): what a saver writes at once rather than on its next period.
    public private(set) var lastRoundTransitioned = false
    /// The state changes of the latest round (pending, cancelled, firing, resolved), in rule
    /// then series order: what the history records.
    public internal(set) var lastRoundChanges: [HistoryEvent] = []
    /// The (rule, series) pairs a round must look at again after pass 1; kept between rounds
    /// for its capacity (thousands of entries in a storm).
    var touchedScratch: [Touch] = []

    /// What every observation of one round shares.
    struct Round {
        var details: [String?]
        var limits: AlertPolicy.Limits
        var time: Date
    }

    /// What the round's inner loop needs of a rule, as plain values: a `Condition` may hold
    /// strings (a trend's capacity metric), so each copy of it was a retain and a release.
    struct RuleShape {
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
            case .trend(let trend):
                test = .trend
                window = trend.window.headroomSeconds
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
    struct Touch {
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
    ///
    /// `layout`, when the caller has it, must be the samples' series in their order
    /// (`SeriesLayout.of`, which the daemon computes once a round for the engine and the
    /// history alike): a round in the layout of the one before takes each sample's series by
    /// its position, without comparing names and labels.
    public mutating func evaluate(_ samples: [Sample], layout: SeriesLayout? = nil, at now: Date) -> [AlertNotification] {
        assert(layout.map { $0.matches(samples) } ?? true, "a layout that is not the samples' series")
        round &+= 1
        if round % Self.pruneAfterRounds == 0 { pruneSeries() }
        store(samples, layout: layout)

        // Pass 1: advance every state machine.
        var touched = touchedScratch
        touchedScratch = []
        touched.removeAll(keepingCapacity: true)
        let policy = self.policy
        // Read through local copies (one retain each per round) so the slots can be
        // mutated in place while an alert is described from its rule and series.
        let limits = AlertPolicy.Limits(policy)
        let round = Round(details: details, limits: limits, time: now)
        let rules = self.rules
        let keys = seriesKeys
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
                if let kind = slot.decide(entry.transition, inhibited: inhibited, limits: limits, at: now),
                    let alert = slot.alert(rule: rules[entry.rule], key: keys[entry.series])
                {
                    out.append(AlertNotification(kind: kind, alert: alert, time: now))
                }
                return slot.isDisposable(keepAbsentFor: keepAbsentFor, at: now)
            }
            if disposable { slots.remove(rule: entry.rule, series: entry.series) }
        }
        for index in dirty { inhibition[index] = 0 }
        lastRoundTransitioned = !out.isEmpty || touched.contains { $0.transition != .none }
        recordChanges(touched, at: now)
        touched.removeAll(keepingCapacity: true)
        touchedScratch = touched
        // Resolutions first: "critical resolved, warning firing" reads in the order it happened.
        return out.filter { $0.kind == .resolved } + out.filter { $0.kind != .resolved }
    }

    /// The firings notified and not yet closed by a resolved, as firing notifications at
    /// `now` (ordered by rule, then labels): what a channel that keeps re-sending firing
    /// alerts (Alertmanager) must take up when a new instance of it starts mid-incident, after
    /// a restart or a reload.
    public func deliveredFirings(at now: Date) -> [AlertNotification] {
        var out: [AlertNotification] = []
        for ruleIndex in rules.indices {
            for (series, slot) in slots.entries(rule: ruleIndex) where slot.deliveredFiring {
                if let alert = slot.alert(rule: rules[ruleIndex], key: seriesKeys[series]) {
                    out.append(AlertNotification(kind: .firing, alert: alert, time: now))
                }
            }
        }
        return out.sorted { ($0.alert.rule, $0.alert.labels) < ($1.alert.rule, $1.alert.labels) }
    }

    /// The alerts currently firing, for exporters and `headroom check`.
    public var firingAlerts: [Alert] {
        var out: [Alert] = []
        for ruleIndex in rules.indices {
            for (series, slot) in slots.entries(rule: ruleIndex) where slot.machine.isFiring {
                if let alert = slot.alert(rule: rules[ruleIndex], key: seriesKeys[series]) { out.append(alert) }
            }
        }
        return out.sorted { ($0.rule, $0.labels) < ($1.rule, $1.labels) }
    }

    private mutating func observe(ruleIndex: Int, rule: AlertRule, series id: Int, _ round: Round) -> Touch? {
        let now = round.time
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
            let at = position ?? slots.insert(AlertSlot(timing: timings[ruleIndex]), rule: ruleIndex, series: id)
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
            let at = position ?? slots.insert(AlertSlot(timing: timings[ruleIndex]), rule: ruleIndex, series: id)
            position = at
            let time = now.timeIntervalSinceReferenceDate
            let capacity: Double?
            switch condition.capacity {
            case .fixed(let fixed): capacity = fixed
            case .metric(let name): capacity = capacityValue(name, for: seriesKeys[id].labels)
            }
            let fit = slots.update(at: at) { slot -> TrendFit? in
                slot.trendWindow.append(time: time, value: value, window: shape.window)
                guard let capacity, capacity > 0, slot.trendWindow.count >= condition.minimumSamples else { return nil }
                return slot.trendWindow.fit
            }
            if let capacity, let fit,
                fit.span >= condition.window.headroomSeconds / 2, fit.r2 >= condition.minimumR2,
                let eta = fit.secondsUntil(capacity), eta < condition.exhaustionWithin.headroomSeconds
            {
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
            at = slots.insert(AlertSlot(timing: timings[ruleIndex]), rule: ruleIndex, series: id)
        }
        // In place: see pass 2.
        return slots.update(at: at) { slot -> Touch? in
            let transition = slot.advance(
                breached: breached, cleared: cleared, upward: shape.upward, value: value, detail: round.details[id],
                trend: trend, increase: increase, at: now)
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
