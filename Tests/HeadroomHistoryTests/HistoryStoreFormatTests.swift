import Foundation
import HeadroomCore
@testable import HeadroomHistory
import HeadroomTesting
import Testing

@Suite("History store file format")
struct HistoryStoreFormatTests {
    @Test("a file of the previous format opens: its log of open chunks is folded into the head, and recording goes on")
    func foldsLegacyLog() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        var expected: [SeriesKey: [(time: Int64, value: Double)]] = [:]
        do {
            let store = try HistoryStore(path: path)
            try HistoryStoreTests.record(store, rounds: 0..<50)
            try store.flush()
            for key in [HistoryStoreTests.gpu, HistoryStoreTests.cpu] { expected[key] = try store.samples(of: key, from: .min, to: .max) }
        }
        // Rewrite the file as the previous format left it: no head, and a log row whose entries
        // are each series' samples as a streaming chunk of their own.
        do {
            let database = try SQLiteConnection(path: path)
            var legacy: [UInt8] = []
            for (key, samples) in expected {
                var id: Int64 = 0
                try database.run("SELECT id FROM series WHERE key = ?", [.text(HistoryStore.text(key))]) { row in id = row.integer(0) }
                var chunk = SampleChunk()
                for sample in samples { chunk.append(time: sample.time, value: sample.value) }
                let bytes = chunk.bytes
                Varint.append(UInt64(id), to: &legacy)
                Varint.append(0, to: &legacy)
                Varint.append(UInt64(bytes.count), to: &legacy)
                legacy += bytes
            }
            try database.execute("DELETE FROM head; DELETE FROM head_log; PRAGMA user_version = 3")
            // As format 3 files were: made without the incremental vacuum.
            try database.execute("PRAGMA auto_vacuum = NONE; VACUUM")
            #expect(try database.integer("PRAGMA auto_vacuum") == 0)
            try database.run("INSERT INTO head_log (data) VALUES (?)", [.blob(legacy)])
        }
        let reopened = try HistoryStore(path: path)
        for (key, samples) in expected {
            let read = try reopened.samples(of: key, from: .min, to: .max)
            #expect(read.map(\.time) == samples.map(\.time))
            #expect(read.map(\.value) == samples.map(\.value))
        }
        #expect(try reopened.database.integer("PRAGMA user_version") == HistoryStore.formatVersion)
        #expect(try reopened.database.integer("SELECT count(*) FROM head_log") == 0)
        #expect(try reopened.database.integer("PRAGMA auto_vacuum") == 2)
        // Recording carries on in the new format, and a reopened file reads all of it.
        try HistoryStoreTests.record(reopened, rounds: 50..<80)
        try reopened.flush()
        let again = try HistoryStore(path: path)
        let read = try again.samples(of: HistoryStoreTests.gpu, from: .min, to: .max)
        #expect(read.count == 80)
        #expect(read.map(\.time) == (0..<80).map { HistoryStoreTests.startMS + Int64($0) * 5000 })
    }

    @Test("pruning gives the pages it frees back to the file system")
    func givesPagesBack() throws {
        let directory = try TemporaryDirectory()
        let store = try HistoryStore(path: directory.path("history.db"), samplesPerChunk: 120)
        #expect(try store.database.integer("PRAGMA auto_vacuum") == 2)
        try HistoryPruningTests.record(store, hours: 0..<6)
        let pages = try store.database.integer("PRAGMA page_count")
        try store.prune(before: HistoryStoreTests.startMS + 5 * HistoryPruningTests.hour, maxBytes: .max)
        #expect(try store.database.integer("PRAGMA freelist_count") == 0)
        #expect(try store.database.integer("PRAGMA page_count") < pages)
    }

    @Test("a file of an unknown format is refused with its version and the remedy")
    func refusesUnknownFormat() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        do {
            _ = try HistoryStore(path: path)
            try SQLiteConnection(path: path).execute("PRAGMA user_version = 99")
        }
        #expect {
            _ = try HistoryStore(path: path)
        } throws: { error in
            "\(error)".contains("file format 99, this build reads \(HistoryStore.formatVersion); delete the file")
        }
    }
}
