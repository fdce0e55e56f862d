import Foundation
import HeadroomCore
import HeadroomHistory
import HeadroomTesting
import Testing

@Suite("History store pruning")
struct HistoryPruningTests {
    static let hour: Int64 = 3_600_000

    /// `hours` of rounds 5 s apart from `HistoryStoreTests.start`, flushed every minute, with
    /// one more series (`extra`) in the first hour only.
    static func record(_ store: HistoryStore, hours: Range<Int>, extra: SeriesKey? = nil) throws {
        for minute in hours.lowerBound * 60..<hours.upperBound * 60 {
            let rounds = minute * 12..<(minute + 1) * 12
            try HistoryStoreTests.record(store, rounds: rounds)
            if let extra, minute < 60 {
                for round in rounds {
                    try store.append([Sample(extra.name, extra.labels, Double(round))], at: HistoryStoreTests.start.addingTimeInterval(Double(round) * 5))
                }
            }
            try store.flush()
        }
    }

    @Test("retention: chunks ending before the cutoff go, later samples still read, empty series are forgotten")
    func retention() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        let store = try HistoryStore(path: path, samplesPerChunk: 120)
        let extra = SeriesKey("gone_percent", Labels(["job": "batch"]))
        try Self.record(store, hours: 0..<6, extra: extra)
        let cutoff = HistoryStoreTests.startMS + 3 * Self.hour
        let pruning = try store.prune(before: cutoff, maxBytes: .max)
        #expect(pruning.deletedChunks > 0)
        #expect(!pruning.cutByByteCap)
        let oldest = try #require(pruning.oldestKept)
        #expect((cutoff - 10 * 60_000...cutoff).contains(oldest), "a chunk ending after the cutoff may start before it")
        let values = try store.samples(of: HistoryStoreTests.cpu, from: .min, to: .max)
        #expect(values.first?.time == oldest)
        #expect(values.last?.time == HistoryStoreTests.startMS + 6 * Self.hour - 5000)
        #expect(values.map(\.value) == values.map(\.time).map { Double((($0 - HistoryStoreTests.startMS) / 5000) % 100) })
        // The series that reported only in hour 0 has nothing left: its rows are gone too.
        #expect(!(try store.seriesKeys()).contains(extra))
        #expect(Set(try HistoryStore(path: path).seriesKeys()) == [HistoryStoreTests.gpu, HistoryStoreTests.cpu])
        // Recording goes on, and a reopened store reads the same.
        try Self.record(store, hours: 6..<7)
        let reopened = try HistoryStore(path: path)
        #expect(try reopened.samples(of: HistoryStoreTests.cpu, from: .min, to: .max).count == values.count + 720)
    }

    @Test("byte cap: the oldest chunks go first until the pages in use fit, and the files really stay bounded")
    func byteCap() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        let store = try HistoryStore(path: path, samplesPerChunk: 120)
        let cap = 48 * 1024
        var sizes: [Int] = []
        var cut = false
        for day in 0..<8 {
            try Self.record(store, hours: day * 3..<(day + 1) * 3)
            let pruning = try store.prune(before: .min, maxBytes: cap)
            cut = cut || pruning.cutByByteCap
            sizes.append(store.fileBytes)
        }
        #expect(cut)
        // The main file after the truncating checkpoint: the cap plus a few pages of slack.
        #expect(sizes.allSatisfy { $0 <= cap + 8 * 4096 }, "\(sizes)")
        let values = try store.samples(of: HistoryStoreTests.gpu, from: .min, to: .max)
        #expect(!values.isEmpty)
        #expect(values.last?.time == HistoryStoreTests.startMS + 24 * Self.hour - 5000)
        // What is left is a contiguous, exact tail.
        let rounds = values.map { Int(($0.time - HistoryStoreTests.startMS) / 5000) }
        #expect(rounds == Array(rounds.first!...rounds.last!))
        #expect(values.map(\.value) == rounds.map { Double(8 << 30) + Double($0) * 1_048_576 })
        let reopened = try HistoryStore(path: path)
        #expect(try reopened.samples(of: HistoryStoreTests.gpu, from: .min, to: .max).count == values.count)
    }

    @Test("freed pages are reused: a store pruned to a day keeps the same size day after day")
    func steadySize() throws {
        let directory = try TemporaryDirectory()
        let store = try HistoryStore(path: directory.path("history.db"), samplesPerChunk: 120)
        var sizes: [Int] = []
        for hour in 0..<12 {
            try Self.record(store, hours: hour..<hour + 1)
            try store.prune(before: HistoryStoreTests.startMS + Int64(hour - 3) * Self.hour, maxBytes: .max)
            sizes.append(store.fileBytes)
        }
        #expect(sizes[11] <= sizes[5] + 2 * 4096, "\(sizes)")
    }
}
