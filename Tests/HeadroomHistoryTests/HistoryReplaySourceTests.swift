import Foundation
import HeadroomCore
@testable import HeadroomHistory
import HeadroomTesting
import Testing

/// The local history as a replay source: the rounds it rebuilds are the rounds recorded.
@Suite("History replay source")
struct HistoryReplaySourceTests {
    /// Three hours at 5 s (windows of an hour, chunks of 360 samples: both cut mid-run): one
    /// series every round, one that starts late, one that skips every third round, and one
    /// recorded at times no other series has.
    @Test("rounds come back in time order with exactly the samples recorded at each time, across window and chunk boundaries")
    func roundsAsRecorded() async throws {
        let directory = try TemporaryDirectory()
        let store = try HistoryStore(path: directory.path("history.db"))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var expected: [(Date, [String: Double])] = []
        for round in 0..<2160 {
            let time = start.addingTimeInterval(Double(round) * 5)
            var samples = [Sample("gpu_memory_used_bytes", Labels(["gpu": "0"]), Double(round))]
            if round >= 700 { samples.append(Sample("gpu_memory_used_bytes", Labels(["gpu": "1"]), Double(round) * 2)) }
            if round % 3 != 0 { samples.append(Sample("cpu_used_percent", .none, Double(round % 100))) }
            try store.append(samples, at: time)
            expected.append((time, Dictionary(uniqueKeysWithValues: samples.map { ("\($0.name)\($0.labels)", $0.value) })))
            if round % 50 == 49 {
                let odd = time.addingTimeInterval(2.5)
                try store.append([Sample("load1", .none, Double(round))], at: odd)
                expected.append((odd, ["load1": Double(round)]))
            }
            if round % 12 == 11 { try store.flush() }
        }
        try store.flush()

        var rebuilt: [(Date, [String: Double])] = []
        try await HistoryReplaySource(store: store).rounds(from: start, to: start.addingTimeInterval(3 * 3600)) { time, samples in
            rebuilt.append((time, Dictionary(uniqueKeysWithValues: samples.map { ("\($0.name)\($0.labels)", $0.value) })))
        }
        #expect(rebuilt.count == expected.count)
        #expect(rebuilt.map(\.0) == expected.map(\.0))
        #expect(zip(rebuilt, expected).allSatisfy { $0.1 == $1.1 })
    }

    @Test("the union of round times merges sorted times in one pass, keeping each once")
    func union() {
        func samples(_ times: [Int64]) -> [(time: Int64, value: Double)] { times.map { ($0, 0) } }
        #expect(HistoryReplaySource.union([], samples([1, 2, 3])) == [1, 2, 3])
        #expect(HistoryReplaySource.union([1, 2, 3], samples([1, 2, 3])) == [1, 2, 3])
        #expect(HistoryReplaySource.union([1, 3, 5], samples([2, 3, 6])) == [1, 2, 3, 5, 6])
        #expect(HistoryReplaySource.union([4], samples([])) == [4])
    }
}
