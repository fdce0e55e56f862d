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
        try store.readInBulk()
        let keys = try store.seriesKeys().sorted { $0.name != $1.name ? $0.name < $1.name : $0.labels < $1.labels }
        var start = HistoryStore.milliseconds(from)
        let end = HistoryStore.milliseconds(to)
        while start <= end {
            let stop = min(end, start + Self.window - 1)
            // Each series' samples of the window, in time order; the rounds' times are their
            // union, and each round takes from every series whose next sample is at its time.
            let decoded = try keys.map { key throws in try store.samples(of: key, from: start, to: stop) }
            var times: [Int64] = []
            for samples in decoded { times = Self.union(times, samples) }
            var next = [Int](repeating: 0, count: keys.count)
            var samples: [Sample] = []
            for time in times {
                samples.removeAll(keepingCapacity: true)
                for index in keys.indices where next[index] < decoded[index].count && decoded[index][next[index]].time == time {
                    samples.append(Sample(keys[index].name, keys[index].labels, decoded[index][next[index]].value))
                    next[index] += 1
                }
                try round(Date(timeIntervalSince1970: Double(time) / 1000), samples)
            }
            start = stop + 1
        }
    }

    /// The sorted union of `times` (sorted, distinct) and the times of `samples` (sorted; one
    /// series never has two samples at one time), in one pass. Series of one node share their
    /// rounds' times, so this is usually a copy.
    static func union(_ times: [Int64], _ samples: [(time: Int64, value: Double)]) -> [Int64] {
        if times.count == samples.count, zip(times, samples).allSatisfy({ $0 == $1.time }) { return times }
        var merged: [Int64] = []
        merged.reserveCapacity(max(times.count, samples.count))
        var i = 0
        var j = 0
        while i < times.count || j < samples.count {
            let a = i < times.count ? times[i] : .max
            let b = j < samples.count ? samples[j].time : .max
            merged.append(min(a, b))
            if a <= b { i += 1 }
            if b <= a { j += 1 }
        }
        return merged
    }

    public func incidents(from: Date, to: Date) async throws -> [HistoryEvent]? {
        try store.events(from: from, to: to, limit: Int.max).filter { $0.category == .incident }
    }
}
