import Foundation
import HeadroomCore
import HeadroomHistory
import HeadroomTesting
import Testing

@Suite("History store one-minute tier")
struct HistoryRollupTests {
    static let hour = HistoryPruningTests.hour
    static let start = HistoryStoreTests.startMS

    @Test("samples older than the retention become one-minute buckets: exact statistics, read back as each minute's last sample")
    func rollsUp() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        let store = try HistoryStore(path: path, samplesPerChunk: 120)
        try HistoryPruningTests.record(store, hours: 0..<6)
        let raw = try store.samples(of: HistoryStoreTests.cpu, from: .min, to: .max)
        let cutoff = Self.start + 3 * Self.hour
        let pruning = try store.prune(before: cutoff, maxBytes: .max, keepRollupsFrom: Self.start + Self.hour)
        #expect(pruning.deletedChunks > 0 && !pruning.rollupsCutByByteCap)
        let oldestRaw = try #require(pruning.oldestKept)
        // The minutes from hour 1 to the raw tier's start, each exactly what its samples give.
        let buckets = try store.rollups(of: HistoryStoreTests.cpu, from: .min, to: .max)
        #expect(buckets.first?.minute == Self.start + Self.hour)
        #expect(pruning.oldestRollup == Self.start + Self.hour)
        let expected = MinuteRollup.buckets(raw.filter { $0.time >= Self.start + Self.hour && $0.time < oldestRaw })
        #expect(buckets.count == expected.count && buckets.count >= 100)
        #expect(buckets == expected)
        // Read as samples: each rolled-up minute's last sample, then every raw sample.
        let read = try store.samples(of: HistoryStoreTests.cpu, from: .min, to: .max, includingMinutes: true)
        #expect(read.map(\.time) == expected.map(\.lastTime) + raw.filter { $0.time >= oldestRaw }.map(\.time))
        #expect(read.map(\.value) == expected.map(\.last) + raw.filter { $0.time >= oldestRaw }.map(\.value))
        // A range inside the tier gives its minutes' last samples only.
        let window = try store.samples(
            of: HistoryStoreTests.cpu, from: Self.start + 2 * Self.hour, to: Self.start + 2 * Self.hour + 600_000, includingMinutes: true)
        #expect(window.count == 10 && window.allSatisfy { ($0.time - Self.start) % 60_000 == 55_000 })
        // What a backtest reads: recorded samples only, never a minute's summary.
        #expect(try store.samples(of: HistoryStoreTests.cpu, from: .min, to: .max).map(\.time) == raw.filter { $0.time >= oldestRaw }.map(\.time))
        // The tier survives reopening; a later rollup cutoff drops its older minutes.
        let reopened = try HistoryStore(path: path)
        #expect(try reopened.rollups(of: HistoryStoreTests.cpu, from: .min, to: .max) == buckets)
        try reopened.prune(before: cutoff, maxBytes: .max, keepRollupsFrom: Self.start + 2 * Self.hour)
        #expect(try reopened.rollups(of: HistoryStoreTests.cpu, from: .min, to: .max).first?.minute == Self.start + 2 * Self.hour)
        // Without a rollup cutoff the tier is not kept at all.
        try reopened.prune(before: cutoff, maxBytes: .max)
        #expect(try reopened.rollups(of: HistoryStoreTests.cpu, from: .min, to: .max).isEmpty)
    }

    @Test("a series that stopped keeps its minutes, and its name, after its samples age out")
    func silentSeries() throws {
        let directory = try TemporaryDirectory()
        let store = try HistoryStore(path: directory.path("history.db"), samplesPerChunk: 120)
        let extra = SeriesKey("gone_percent", Labels(["job": "batch"]))
        try HistoryPruningTests.record(store, hours: 0..<3, extra: extra)
        try store.prune(before: Self.start + 2 * Self.hour, maxBytes: .max, keepRollupsFrom: Self.start)
        #expect(try store.seriesKeys().contains(extra))
        let buckets = try store.rollups(of: extra, from: .min, to: .max)
        #expect(buckets.count == 60)
        #expect(buckets.first?.minimum == 0 && buckets.first?.maximum == 11 && buckets.last?.last == 719)
    }

    @Test("the byte cap takes the one-minute tier first, before any sample of the retention")
    func byteCapTakesRollupsFirst() throws {
        let directory = try TemporaryDirectory()
        let cutoff = Self.start + 6 * Self.hour
        // The same eight hours with and without the one-minute tier: a cap between the two sizes.
        let rawOnly = try HistoryStore(path: directory.path("raw.db"), samplesPerChunk: 120)
        try HistoryPruningTests.record(rawOnly, hours: 0..<8)
        try rawOnly.prune(before: cutoff, maxBytes: .max)
        let store = try HistoryStore(path: directory.path("history.db"), samplesPerChunk: 120)
        try HistoryPruningTests.record(store, hours: 0..<8)
        let before = try store.prune(before: cutoff, maxBytes: .max, keepRollupsFrom: Self.start)
        let rawBefore = try store.samples(of: HistoryStoreTests.gpu, from: cutoff, to: .max).count
        #expect(try store.rollups(of: HistoryStoreTests.gpu, from: .min, to: .max).count > 300)
        #expect(store.fileBytes > rawOnly.fileBytes)
        let pruning = try store.prune(before: cutoff, maxBytes: (store.fileBytes + rawOnly.fileBytes) / 2, keepRollupsFrom: Self.start)
        #expect(pruning.rollupsCutByByteCap)
        #expect(!pruning.cutByByteCap)
        #expect(pruning.oldestKept == before.oldestKept)
        #expect(try store.samples(of: HistoryStoreTests.gpu, from: cutoff, to: .max).count == rawBefore)
        let left = try store.rollups(of: HistoryStoreTests.gpu, from: .min, to: .max)
        #expect(left.count < 300 && (left.first?.minute ?? .max) > Self.start)
    }
}
