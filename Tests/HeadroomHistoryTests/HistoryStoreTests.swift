import Foundation
import HeadroomCore
import HeadroomHistory
import HeadroomTesting
import Testing

@Suite("History store")
struct HistoryStoreTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let startMS: Int64 = 1_800_000_000_000
    static let gpu = SeriesKey("gpu_memory_used_bytes", Labels(["gpu": "0", "uuid": "GPU-1"]))
    static let cpu = SeriesKey("cpu_used_percent")

    /// Rounds 5 s apart: GPU memory climbing, CPU at a value of its own.
    static func record(_ store: HistoryStore, rounds: Range<Int>) throws {
        for round in rounds {
            try store.append(
                [
                    Sample(gpu.name, gpu.labels, Double(8 << 30) + Double(round) * 1_048_576),
                    Sample(cpu.name, cpu.labels, Double(round % 100)),
                ], at: start.addingTimeInterval(Double(round) * 5))
        }
    }

    @Test("samples read back exactly: before a flush (from memory), after it, and from a reopened file")
    func readBack() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        let store = try HistoryStore(path: path)
        try Self.record(store, rounds: 0..<100)
        let expected = (0..<100).map { (Self.startMS + Int64($0) * 5000, Double(8 << 30) + Double($0) * 1_048_576) }
        func check(_ store: HistoryStore) throws {
            let read = try store.samples(of: Self.gpu, from: .min, to: .max)
            #expect(read.map(\.time) == expected.map(\.0))
            #expect(read.map(\.value) == expected.map(\.1))
        }
        try check(store)
        try store.flush()
        try check(store)
        #expect(Set(try HistoryStore(path: path).seriesKeys()) == [Self.gpu, Self.cpu])
        try check(try HistoryStore(path: path))
    }

    @Test("what was not flushed is all a reopened file lacks; recording carries on in a new chunk")
    func unflushedTail() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        do {
            let store = try HistoryStore(path: path)
            try Self.record(store, rounds: 0..<10)
            try store.flush()
            try Self.record(store, rounds: 10..<15) // never flushed: lost with the process
        }
        let reopened = try HistoryStore(path: path)
        #expect(try reopened.samples(of: Self.cpu, from: .min, to: .max).map(\.value) == (0..<10).map(Double.init))
        try Self.record(reopened, rounds: 20..<22)
        try reopened.flush()
        let after = try HistoryStore(path: path).samples(of: Self.cpu, from: .min, to: .max).map(\.value)
        #expect(after == (0..<10).map(Double.init) + [20, 21])
    }

    @Test("chunks close every two hours; a range in the middle returns exactly its samples; old chunks delete")
    func rangesAndRetention() throws {
        let directory = try TemporaryDirectory()
        let store = try HistoryStore(path: directory.path("history.db"), samplesPerChunk: SampleChunk.capacity)
        // Five hours at 5 s, flushed every minute as the daemon would.
        for minute in 0..<300 {
            try Self.record(store, rounds: minute * 12..<(minute + 1) * 12)
            try store.flush()
        }
        let from = Self.startMS + 3_600_000
        let to = Self.startMS + 3 * 3_600_000 + 2_500
        let read = try store.samples(of: Self.cpu, from: from, to: to)
        #expect(read.first?.time == from)
        #expect(read.last?.time == Self.startMS + 3 * 3_600_000)
        #expect(read.count == 2 * 720 + 1)
        // Chunks that ended before hour 4: the first two of each series.
        #expect(try store.prune(before: Self.startMS + 4 * 3_600_000, maxBytes: .max).deletedChunks == 4)
        #expect(try store.samples(of: Self.cpu, from: .min, to: .max).first?.time == Self.startMS + 4 * 3_600_000)
    }

    @Test("a chunk closes at its sample count: rows of that many samples, read back whole")
    func samplesPerChunk() throws {
        let directory = try TemporaryDirectory()
        let store = try HistoryStore(path: directory.path("history.db"), samplesPerChunk: 100)
        try Self.record(store, rounds: 0..<250)
        try store.flush()
        let reopened = try HistoryStore(path: directory.path("history.db"))
        #expect(try reopened.samples(of: Self.cpu, from: .min, to: .max).map(\.value) == (0..<250).map { Double($0 % 100) })
        // Rounds 100–199 are the second chunk: a range inside it reads only its own.
        let middle = try reopened.samples(of: Self.cpu, from: Self.startMS + 150 * 5000, to: Self.startMS + 160 * 5000)
        #expect(middle.map(\.value) == (150...160).map { Double($0 % 100) })
    }

    @Test("a reopened file reads what the store read, across head rewrites, log rows and closed chunks")
    func reopenAcrossLog() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        let store = try HistoryStore(path: path, samplesPerChunk: 100)
        // Flushes at uneven gaps (1 to 29 rounds), past several head rewrites (every 30 flushes).
        var round = 0
        for flush in 0..<150 {
            let next = round + 1 + (flush * 7) % 29
            try Self.record(store, rounds: round..<next)
            round = next
            try store.flush()
            if flush % 13 == 0 || flush == 149 {
                let reopened = try HistoryStore(path: path, samplesPerChunk: 100)
                for key in [Self.gpu, Self.cpu] {
                    let live = try store.samples(of: key, from: .min, to: .max)
                    let read = try reopened.samples(of: key, from: .min, to: .max)
                    #expect(read.map(\.time) == live.map(\.time))
                    #expect(read.map(\.value) == live.map(\.value))
                    #expect(read.count == round)
                }
            }
        }
    }

    @Test("a sample older than its series' last one is dropped; the series moves forward only")
    func forwardOnly() throws {
        let directory = try TemporaryDirectory()
        let store = try HistoryStore(path: directory.path("history.db"))
        try store.append([Sample(Self.cpu.name, .none, 1)], at: Self.start.addingTimeInterval(10))
        try store.append([Sample(Self.cpu.name, .none, 2)], at: Self.start)
        try store.append([Sample(Self.cpu.name, .none, 3)], at: Self.start.addingTimeInterval(10))
        #expect(try store.samples(of: Self.cpu, from: .min, to: .max).map(\.value) == [1, 3])
    }

    @Test("a file that cannot be opened is an error naming it")
    func unusablePath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("missing/dir/history.db")
        #expect {
            _ = try HistoryStore(path: path)
        } throws: { error in
            String(describing: error).hasPrefix("history \(path): cannot open:")
        }
    }
}

@Suite("History store killed mid-write")
struct HistoryCrashTests {
    @Test("kill -9 while rounds are appended and flushed: every flush reported done reads back, the file opens", arguments: [3, 17, 41] as [Int])
    func killNine(delayMilliseconds: Int) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        let progress = directory.path("flushed")
        // The child records and flushes as fast as it can, noting each finished flush, until
        // it kills itself (SIGKILL: no cleanup, no close) at some point of a write.
        await #expect(processExitsWith: .signal(SIGKILL)) {
            [path = path as String, progress = progress as String, delayMilliseconds = delayMilliseconds as Int] in
            let store = try HistoryStore(path: path)
            let note = open(progress, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            // The clock starts after the first flush: a loaded machine may take longer than the
            // shortest delay to open the file, and then nothing would be tested.
            for flush in 0... {
                if flush == 1 {
                    Thread {
                        usleep(useconds_t(delayMilliseconds * 1000))
                        kill(getpid(), SIGKILL)
                    }.start()
                }
                try HistoryStoreTests.record(store, rounds: flush * 10..<(flush + 1) * 10)
                try store.flush()
                let line = "\(flush)\n"
                _ = line.withCString { write(note, $0, strlen($0)) }
            }
        }
        let flushed = try String(contentsOfFile: progress, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }.last ?? -1
        #expect(flushed >= 0, "the child was killed before its first flush finished")
        let reopened = try HistoryStore(path: path)
        let values = try reopened.samples(of: HistoryStoreTests.cpu, from: .min, to: .max).map(\.value)
        // Flushes 0...flushed are all there, in order; the one in progress is all there or absent.
        let rounds = values.count
        #expect(rounds == (flushed + 1) * 10 || rounds == (flushed + 2) * 10, "flushed \(flushed), read \(rounds) rounds")
        #expect(values == (0..<rounds).map { Double($0 % 100) })
        // It goes on recording where it stopped.
        try HistoryStoreTests.record(reopened, rounds: 100_000..<100_001)
        try reopened.flush()
        #expect(try HistoryStore(path: path).samples(of: HistoryStoreTests.cpu, from: .min, to: .max).count == rounds + 1)
    }

    @Test("a series gone for idleAfter has its chunk closed and leaves memory; when it comes back it is the same series")
    func idleSeries() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("history.db")
        let store = try HistoryStore(path: path)
        store.idleAfter = 10_000
        let gone = SeriesKey("gpu_process_memory_used_bytes", Labels(["pid": "4242"]))
        for round in 0..<4 {
            try store.append(
                [Sample(gone.name, gone.labels, Double(round)), Sample(HistoryStoreTests.cpu.name, HistoryStoreTests.cpu.labels, 1)],
                at: HistoryStoreTests.start.addingTimeInterval(Double(round)))
        }
        try store.flush()
        // 20 s without it: the next flush closes its chunk.
        for round in 4..<24 {
            try store.append(
                [Sample(HistoryStoreTests.cpu.name, HistoryStoreTests.cpu.labels, 1)], at: HistoryStoreTests.start.addingTimeInterval(Double(round)))
        }
        try store.flush()
        try store.append(
            [Sample(gone.name, gone.labels, 99), Sample(HistoryStoreTests.cpu.name, HistoryStoreTests.cpu.labels, 1)],
            at: HistoryStoreTests.start.addingTimeInterval(30))
        try store.flush()
        let values = try store.samples(of: gone, from: .min, to: .max).map(\.value)
        #expect(values == [0, 1, 2, 3, 99])
        #expect(try store.seriesKeys().filter { $0 == gone }.count == 1, "one row, found again by its key")
        #expect(try HistoryStore(path: path).samples(of: gone, from: .min, to: .max).map(\.value) == [0, 1, 2, 3, 99])
    }
}
