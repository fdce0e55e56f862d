#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The round's state changes as history events.
extension AlertEngine {
    mutating func recordChanges(_ touched: [Touch], at now: Date) {
        if !lastRoundChanges.isEmpty { lastRoundChanges.removeAll(keepingCapacity: true) }
        for entry in touched {
            let change: HistoryEvent.AlertChange
            var detail = ""
            switch entry.transition {
            case .none: continue
            case .pending: change = .pending
            case .cancelled: change = .cancelled
            case .fired: change = .firing
            case .resolved:
                change = .resolved
                detail = entry.transition.reason ?? ""
            }
            if detail.isEmpty { detail = details[entry.series] ?? "" }
            // The rule's two fields, not the whole rule (a copy per change: thousands a round
            // when a fleet churns).
            lastRoundChanges.append(
                HistoryEvent(
                    time: now, category: .alert, kind: change.rawValue, rule: rules[entry.rule].name,
                    severity: rules[entry.rule].severity,
                    labels: seriesKeys[entry.series].labels, detail: detail))
        }
    }
}
