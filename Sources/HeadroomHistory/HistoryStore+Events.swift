public import Foundation
public import HeadroomCore

/// The event history: alert state changes, notification outcomes and incidents, one row each
/// in the `events` table beside the samples, written in the same transactions.
extension HistoryStore {
    static let eventSchema = """
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, category TEXT NOT NULL, kind TEXT NOT NULL,
            rule TEXT NOT NULL, severity TEXT NOT NULL, labels TEXT NOT NULL, channel TEXT NOT NULL,
            outcome TEXT NOT NULL, detail TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS events_by_time ON events (time_ms);
        """

    /// Writes `events` in one transaction.
    public func record(_ events: [HistoryEvent]) throws(HistoryError) {
        guard !events.isEmpty else { return }
        try database.transaction { () throws(HistoryError) in
            for event in events {
                try database.run(
                    """
                    INSERT INTO events (time_ms, category, kind, rule, severity, labels, channel, outcome, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .integer(Self.milliseconds(event.time)), .text(event.category.rawValue), .text(event.kind),
                        .text(event.rule ?? ""), .text(event.severity?.rawValue ?? ""), .text(Self.encode(event.labels)),
                        .text(event.channel ?? ""), .text(event.outcome?.rawValue ?? ""), .text(event.detail),
                    ])
            }
        }
    }

    /// The events from `from` to `to` (both included), oldest first, at most `limit` (the
    /// newest `limit` when there are more).
    public func events(from: Date, to: Date, limit: Int = 10_000) throws(HistoryError) -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        try database.run(
            """
            SELECT time_ms, category, kind, rule, severity, labels, channel, outcome, detail FROM events
            WHERE time_ms >= ? AND time_ms <= ? ORDER BY time_ms DESC, id DESC LIMIT ?
            """,
            [.integer(Self.milliseconds(from)), .integer(Self.milliseconds(to)), .integer(Int64(limit))]
        ) { row in
            guard let category = HistoryEvent.Category(rawValue: row.text(1)) else { return }
            let rule = row.text(3)
            let channel = row.text(6)
            events.append(
                HistoryEvent(
                    time: Date(timeIntervalSince1970: Double(row.integer(0)) / 1000), category: category, kind: row.text(2),
                    rule: rule.isEmpty ? nil : rule, severity: Severity(rawValue: row.text(4)), labels: Self.decode(row.text(5)),
                    channel: channel.isEmpty ? nil : channel, outcome: HistoryEvent.Outcome(rawValue: row.text(7)), detail: row.text(8)))
        }
        return events.reversed()
    }

    /// Deletes the events before `cutoff` (milliseconds); returns how many.
    @discardableResult
    public func deleteEvents(before cutoff: Int64) throws(HistoryError) -> Int {
        var deleted = 0
        try database.run("SELECT count(*) FROM events WHERE time_ms < ?", [.integer(cutoff)]) { row in deleted = Int(row.integer(0)) }
        if deleted > 0 { try database.run("DELETE FROM events WHERE time_ms < ?", [.integer(cutoff)]) }
        return deleted
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// Labels as `name US value RS name US value` (unit and record separators: characters a
    /// label never holds in practice, and that need no escaping).
    static func encode(_ labels: Labels) -> String {
        labels.pairs.map { $0.name + "\u{1F}" + $0.value }.joined(separator: "\u{1E}")
    }

    static func decode(_ text: String) -> Labels {
        guard !text.isEmpty else { return .none }
        return Labels(
            text.split(separator: "\u{1E}", omittingEmptySubsequences: false).map { pair in
                let parts = pair.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            })
    }
}
