import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomDaemon
import HeadroomHistory
import HeadroomNotify
import HeadroomTesting
import Logging
import Testing

@Suite("History recorder")
struct HistoryRecorderTests {
    static let yaml = """
        interval: 5s
        default_rules: false
        rules:
          - {name: gpu_memory_high, metric: gpu_memory_used_percent, at_least: 80, for: 10s, severity: warning}
          - {name: child_crashed, metric: child_crashes_total, increases: true, severity: critical}
        channels:
          - type: console
        """
    static let gpuLabels: Labels = ["gpu": "0", "uuid": "GPU-1"]
    static let childLabels: Labels = ["command": "python run.py"]

    static func round(gpu percent: Double, crashes: Double, oomLine: String? = nil) -> [Sample] {
        [
            Sample("gpu_memory_used_percent", gpuLabels, percent),
            Sample(
                "child_crashes_total", childLabels, crashes, kind: .counter,
                detail: crashes > 0 ? "exited with code 1; last stderr: CUDA out of memory" : nil),
            Sample("child_cuda_oom_total", childLabels, oomLine == nil ? 0 : 1, kind: .counter, detail: oomLine),
        ]
    }

    @Test("a run's samples, alert changes, delivery outcomes and incidents read back from the file in the state directory")
    func recordsARun() async throws {
        let directory = try TemporaryDirectory()
        let collector = ScriptedCollector(name: "gpu")
        let harness = try DaemonHarness(yaml: Self.yaml, collectors: [collector], stateDirectory: directory.url.path)
        let history = try #require(harness.daemon.history)
        let oom = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"
        let script: [(Double, Double, Double, String?)] = [
            (0, 70, 0, nil), (5, 85, 0, nil), (10, 85, 0, nil), (15, 90, 1, oom), (20, 60, 1, oom),
        ]
        for (time, percent, crashes, line) in script {
            collector.set(Self.round(gpu: percent, crashes: crashes, oomLine: line))
            await harness.tick(time)
        }
        let start = harness.start
        let (samples, events) = try history.read { store in
            let key = SeriesKey("gpu_memory_used_percent", Self.gpuLabels)
            let from = Int64(start.timeIntervalSince1970 * 1000)
            return (
                try store.samples(of: key, from: from, to: from + 60_000),
                try store.events(from: start, to: start.addingTimeInterval(60))
            )
        }
        #expect(samples.map(\.value) == [70, 85, 85, 90, 60])
        #expect(samples.map(\.time) == [0, 5, 10, 15, 20].map { Int64(start.timeIntervalSince1970 * 1000) + $0 * 1000 })
        #expect(FileManager.default.fileExists(atPath: directory.path("history.db")))

        func seconds(_ event: HistoryEvent) -> Int { Int(event.time.timeIntervalSince(start)) }
        let alerts = events.filter { $0.category == .alert && $0.rule == "gpu_memory_high" }.map { "\(seconds($0)) \($0.kind)" }
        #expect(alerts == ["5 pending", "15 firing", "20 resolved"])
        let delivered = events.filter { $0.category == .notification && $0.outcome == .delivered }
            .map { "\(seconds($0)) \($0.kind) \($0.rule ?? "") \($0.channel ?? "")" }
        #expect(delivered.contains("15 firing gpu_memory_high console"))
        #expect(delivered.contains("15 firing child_crashed console"))
        #expect(delivered.contains("20 resolved gpu_memory_high console"))

        let incidents = events.filter { $0.category == .incident }
        #expect(incidents.map { "\(seconds($0)) \($0.kind)" } == ["15 child_crashed", "15 cuda_oom"])
        #expect(incidents.first?.labels == Self.childLabels)
        #expect(incidents.first?.detail == "exited with code 1; last stderr: CUDA out of memory")
        #expect(incidents.last?.detail == oom)
        #expect(history.health.problem == nil)
    }

    @Test("an unwritable history raises history_write_failed with the path and reason; sampling goes on, and it resolves once writable")
    func unwritable() async throws {
        let directory = try TemporaryDirectory()
        // A directory where the file should be: opening it as a database fails.
        let path = directory.path("blocked/history.db")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let yaml = Self.yaml + "\nhistory: {path: \(path)}\n"
        let collector = ScriptedCollector(name: "gpu", samples: Self.round(gpu: 50, crashes: 0))
        let harness = try DaemonHarness(yaml: yaml, collectors: [collector], stateDirectory: directory.url.path)
        let history = try #require(harness.daemon.history)

        await harness.tick(0)
        history.write()
        let problem = try #require(history.health.problem)
        #expect(history.health.samplesDropped > 0)
        // The next round reads the problem and the always-on rule fires, naming the path.
        await harness.tick(5)
        let firing = harness.notifier.received.filter { $0.alert.rule == "history_write_failed" && $0.kind == .firing }
        #expect(firing.count == 1)
        #expect(firing.first?.summary.contains(path) == true)
        #expect(firing.first?.summary.contains(problem) == true)
        history.write()
        await harness.tick(10)
        #expect(harness.notifier.received.filter { $0.alert.rule == "history_write_failed" }.count == 1, "said once")

        try FileManager.default.removeItem(atPath: path)
        history.write()
        #expect(history.health.problem == nil)
        await harness.tick(15)
        #expect(harness.notifier.received.last { $0.alert.rule == "history_write_failed" }?.kind == .resolved)
        let read = try history.read { store in
            try store.samples(
                of: SeriesKey("gpu_memory_used_percent", Self.gpuLabels), from: 0, to: Int64.max)
        }
        // Rounds taken while it failed are dropped; the one queued when it came back is kept.
        let first = Int64(harness.start.timeIntervalSince1970 * 1000)
        #expect(read.map(\.time) == [first + 10_000, first + 15_000])
    }

    @Test("rounds beyond the queue's bound drop the oldest, counted, while the writer is away")
    func boundedQueue() throws {
        let directory = try TemporaryDirectory()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let recorder = HistoryRecorder(
            settings: HistorySettings(), path: directory.path("history.db"), clock: ManualClock(), logger: logger,
            maximumQueuedSamples: 10)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for round in 0..<8 {
            recorder.record(Self.round(gpu: Double(round), crashes: 0), at: start.addingTimeInterval(Double(round)))
        }
        // 3 samples a round, at most 10 queued: 3 rounds kept, the 5 oldest dropped.
        #expect(recorder.health.samplesDropped == 15)
        recorder.write()
        #expect(recorder.health.samplesWritten == 9)
        let values = try recorder.read { store in
            try store.samples(of: SeriesKey("gpu_memory_used_percent", Self.gpuLabels), from: 0, to: .max).map(\.value)
        }
        #expect(values == [5, 6, 7])
    }

    @Test("the writer thread commits every flush interval on the daemon's clock, and what is left at shutdown")
    func writerThread() async throws {
        let directory = try TemporaryDirectory()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let clock = ManualClock()
        let recorder = HistoryRecorder(
            settings: HistorySettings(flushInterval: .seconds(10)), path: directory.path("history.db"), clock: clock, logger: logger)
        let task = Task { try await recorder.run() }
        let start = clock.uptime()
        // Asleep after its first pass (which opened the file).
        await clock.waitForPendingAlarm(notBefore: start + .seconds(10))
        recorder.record(Self.round(gpu: 1, crashes: 0), at: clock.wallTime())
        clock.advance(by: .seconds(9))
        #expect(recorder.health.samplesWritten == 0)
        clock.advance(by: .seconds(1))
        await clock.waitForPendingAlarm(notBefore: start + .seconds(20))
        #expect(recorder.health.samplesWritten == 3)
        recorder.record(Self.round(gpu: 2, crashes: 0), at: clock.wallTime())
        task.cancel()
        try await task.value
        #expect(recorder.health.samplesWritten == 6, "the last rounds are written at shutdown")
    }

    @Test("retention drops what is older, the size cap the oldest beyond it and says so; reads go on")
    func bounds() throws {
        let directory = try TemporaryDirectory()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = ManualClock(wall: start)
        let path = directory.path("history.db")
        // Two hours of 5 s rounds of 200 series, recorded as they came.
        let recorder = HistoryRecorder(
            settings: HistorySettings(retention: .seconds(3600), maxBytes: 1 << 30), path: path, clock: clock, logger: logger)
        for round in 0..<1440 {
            let time = start.addingTimeInterval(Double(round) * 5)
            let samples = (0..<200).map { Sample("gpu_memory_used_bytes", ["gpu": "\($0)"], Double(round * 1_048_576 + $0)) }
            recorder.record(samples, at: time)
            if round % 12 == 11 { recorder.write() }
        }
        recorder.write()
        clock.advance(by: .seconds(7200))
        recorder.applyRetention()
        let key = SeriesKey("gpu_memory_used_bytes", ["gpu": "7"])
        let kept = try recorder.read { try $0.samples(of: key, from: 0, to: .max) }
        let cutoff = Int64(start.timeIntervalSince1970 * 1000) + 3_600_000
        #expect(kept.last?.time == Int64(start.timeIntervalSince1970 * 1000) + 1439 * 5000, "the newest is kept")
        #expect((kept.first?.time ?? 0) >= cutoff - 2 * 3_600_000, "nothing older than a chunk before the cutoff")
        #expect(kept.count < 1440, "older chunks went")
        #expect(recorder.health.cutShortAt == nil)

        // A cap far below what an hour takes: the oldest go first, and it is said.
        let capped = HistoryRecorder(
            settings: HistorySettings(retention: .seconds(86_400), maxBytes: 100_000), path: path, clock: clock, logger: logger)
        capped.write()
        capped.applyRetention()
        #expect(capped.health.cutShortAt != nil)
        let left = try capped.read { try $0.samples(of: key, from: 0, to: .max) }
        #expect(left.count <= kept.count && left.last?.time == kept.last?.time)
        // The oldest went first; the newest stay (the store's own tests check the file shrinks).
        #expect((left.first?.time ?? 0) > (kept.first?.time ?? 0))
    }

    @Test("a flush that hangs fails nothing: after 10 s on the daemon's clock history_write_failed fires naming the file, and resolves once it is written")
    func hungFlush() async throws {
        let directory = try TemporaryDirectory()
        // The history file is a FIFO: its opening for writing blocks until a reader comes, as
        // on a disk that stopped answering.
        let path = directory.path(HistorySettings.fileName)
        try #require(mkfifo(path, 0o600) == 0)
        let collector = ScriptedCollector(name: "gpu", samples: Self.round(gpu: 40, crashes: 0))
        let harness = try DaemonHarness(yaml: Self.yaml, collectors: [collector], stateDirectory: directory.url.path)
        let history = try #require(harness.daemon.history)
        func failed() -> [AlertNotification] { harness.notifier.received.filter { $0.alert.rule == "history_write_failed" } }

        await harness.tick(0)
        Thread.detachNewThread { history.write() }
        // Until the flush, somewhere inside its hung open, has been under way 10 s.
        let seconds = try await harness.tickEvery2s(after: 0, until: 60) { failed().isEmpty }
        let firing = try #require(failed().first)
        #expect(firing.kind == .firing)
        #expect(firing.summary.contains("writing \(path) has not finished in"), "\(firing.summary)")
        #expect(seconds >= 10, "not before 10 s of the daemon's clock")
        #expect(history.health.problem == nil, "a hang is not a failure")

        // The disk answers: the FIFO goes aside and a reader releases the hung open; the store
        // is then made anew at the path, the flush completes, and the alert resolves.
        let aside = directory.path("aside.fifo")
        try #require(rename(path, aside) == 0)
        let reader = open(aside, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        _ = try await harness.tickEvery2s(after: seconds, until: 120) { failed().count < 2 }
        #expect(failed().map(\.kind) == [.firing, .resolved])
        #expect(history.health.samplesWritten > 0)
    }
}

extension HistoryRecorder {
    /// A round with no alert changes, handed over as the daemon does: with its samples' layout.
    fileprivate func record(_ samples: [Sample], at time: Date) {
        record(samples, layout: SeriesLayout.of(samples, reusing: nil), changes: [], at: time)
    }
}
