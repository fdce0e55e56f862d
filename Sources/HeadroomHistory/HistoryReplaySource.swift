public import Foundation
public import HeadroomCore

/// The local history as a replay source: rounds rebuilt from every series' chunks an hour at
/// a time (samples of one round share their timestamp), incidents from the events table.
public struct HistoryReplaySource: ReplaySource {
    let store: HistoryStore
    /// How much of every series is decoded at once.
    static let window: Int64 = 3_600_000

    public init(store: HistoryStore) {
        self.store = store
    }

    public func rounds(from: Date, to: Date, _ round: (Date, [Sample]) throws -> Void) async throws {
        let keys = try store.seriesKeys().sorted { $0.name != $1.name ? $0.name < $1.name : $0.labels < $1.labels }
        var start = HistoryStore.milliseconds(from)
        let end = HistoryStore.milliseconds(to)
        while start <= end {
            let stop = min(end, start + Self.window - 1)
            var rounds: [Int64: [Sample]] = [:]
            for key in keys {
                for sample in try store.samples(of: key, from: start, to: stop) {
                    rounds[sample.time, default: []].append(Sample(key.name, key.labels, sample.value))
                }
            }
            for time in rounds.keys.sorted() {
                try round(Date(timeIntervalSince1970: Double(time) / 1000), rounds[time]!)
            }
            start = stop + 1
        }
    }

    public func incidents(from: Date, to: Date) async throws -> [HistoryEvent]? {
        try store.events(from: from, to: to, limit: Int.max).filter { $0.category == .incident }
    }
}
