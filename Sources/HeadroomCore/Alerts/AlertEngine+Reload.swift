#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension AlertEngine {
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
                sameKind(replacement.condition, rule.condition)
            {
                keep[rule.name] = slots.entries(rule: ruleIndex)
                continue
            }
            let delivered = slots.entries(rule: ruleIndex).filter(\.slot.deliveredFiring).compactMap { entry in
                entry.slot.alert(rule: rule, key: seriesKeys[entry.series])
            }
            for var alert in delivered.sorted(by: { $0.labels < $1.labels }) {
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

    /// Whether a reloaded rule's condition can take over the old one's state: thresholds
    /// with thresholds, `increases` with `increases`, trends with trends.
    func sameKind(_ left: Condition, _ right: Condition) -> Bool {
        left.kind == right.kind
    }

    /// Each rule's timing for the current policy, made once and shared by every machine of
    /// the rule: a new slot's machine takes its rule's, so no timing is built per slot.
    mutating func refreshTimings() {
        let staleAfter = policy.staleAfter
        timings = rules.map { AlertStateMachine.Timing(hold: $0.hold, keepFiringFor: $0.keepFiringFor, staleAfter: staleAfter) }
    }

    /// The index of the current rules; `keeping`'s slots, by rule name, go on under the rule's
    /// new timing.
    mutating func rebuildRuleIndex(keeping: [String: [(series: Int, slot: AlertSlot)]]) {
        rulesByMetric = [:]
        shapes = rules.map(RuleShape.init)
        refreshTimings()
        var families: [String: Int] = [:]
        familyOf = []
        for (index, rule) in rules.enumerated() {
            rulesByMetric[rule.selector.metric, default: []].append(index)
            let family = families[rule.family] ?? families.count
            families[rule.family] = family
            familyOf.append(family)
        }
        familyShared = familyOf.map { family in familyOf.filter { $0 == family }.count > 1 }
        matched = rules.map { rule in
            seriesKeys.indices.filter { seriesIndex[seriesKeys[$0]] == $0 && rule.selector.matches(seriesKeys[$0]) }
        }
        slots = SlotTable(rules: rules.count, series: seriesKeys.count)
        for (ruleIndex, rule) in rules.enumerated() {
            for (series, var slot) in keeping[rule.name] ?? [] {
                slot.machine.timing = timings[ruleIndex]
                slots.insert(slot, rule: ruleIndex, series: series)
            }
        }
    }
}
