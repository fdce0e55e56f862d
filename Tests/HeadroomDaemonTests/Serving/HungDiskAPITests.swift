import Dispatch
import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomServer
import HeadroomTesting
import Logging
import Synchronization
import Testing

@testable import HeadroomDaemon

@Suite("The APIs on a disk that stops answering")
struct HungDiskAPITests {
    /// How long the silences API waits for its file here (the daemon's, 5 s).
    static let silencePatience = Duration.seconds(5)

    /// The silences API over the silences file in `path`, its patience on `clock`.
    static func silenceAPI(in path: String, clock: ManualClock) -> (SilenceStore, SilenceAPI) {
        let store = SilenceStore(stateDirectory: path)
        return (store, SilenceAPI(store: store, clock: clock, patience: silencePatience))
    }

    /// The outcome of a request that waits on the disk or a lock: once the request has set its
    /// alarm on `clock`, the test moves the clock by `patience`, and the request gives up then.
    static func afterPatience<Answer: Sendable>(
        _ patience: Duration, on clock: ManualClock, _ request: @escaping @Sendable () async throws -> Answer
    ) async throws -> Answer {
        let alarms = clock.alarmsSet
        let answer = Task { try await request() }
        await clock.waitForAlarm(after: alarms)
        clock.advance(by: patience)
        return try await answer.value
    }

    /// `request`'s first answer other than 503: a call that waited on the disk or the lock is
    /// refused at once until it has returned (on its own thread, a moment after the disk
    /// answers).
    static func answered(_ request: () async -> SilenceResult) async throws -> SilenceResult? {
        try await Poll.value(every: .milliseconds(50)) {
            let result = await request()
            return result.status == 503 ? nil : result
        }
    }

    @Test(
        "a hung silences file answers 503 after the patience, then at once while it hangs (no thread per request); 200 once it answers",
        .timeLimit(.minutes(1)))
    func hungFile() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let (store, api) = Self.silenceAPI(in: directory.url.path, clock: clock)
        // A FIFO: reading it blocks in open(2) until a writer comes, as on a hung disk.
        try HangingFile.make(at: store.path)

        let first = try await Self.afterPatience(Self.silencePatience, on: clock) { await api.list() }
        #expect(first.status == 503)
        #expect(first.json.contains("has not answered") && first.json.contains(store.path), "\(first.json)")
        let second = await api.list()
        #expect(second.status == 503)
        #expect(second.json.contains("have not returned"), "\(second.json)")
        #expect(api.calls.hung == 1)

        // The disk answers: the hung read gets its bytes, and the file is a regular one again.
        try #require(try await HangingFile.answer(at: store.path) { try store.save([]) }, "no read is waiting on the file")
        let third = try await Self.answered { await api.list() }
        #expect(api.calls.hung == 0)
        #expect(third?.status == 200)
        #expect(third?.json == "[]")
    }

    @Test(
        "a create with an id on a hung silences file: 503 says to send it again; once the disk answers, the hung create lands and the retry finds it (applied once)",
        .timeLimit(.minutes(1)))
    func hungCreateRetried() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let (store, api) = Self.silenceAPI(in: directory.url.path, clock: clock)
        try HangingFile.make(at: store.path)
        let body = Array(#"{"matchers": ["alertname=gpu_memory_high"], "duration": "2h", "id": "deploy-42"}"#.utf8)

        let first = try await Self.afterPatience(Self.silencePatience, on: clock) { await api.create(body) }
        #expect(first.status == 503)
        #expect(first.json.contains("may still be applied once it answers: send it again with the same id"), "\(first.json)")
        // The disk answers: the hung create reads an empty list, then adds and writes its silence.
        try #require(try await HangingFile.answer(at: store.path) { try store.save([]) }, "no read is waiting on the file")
        let retry = try #require(try await Self.answered { await api.create(body) })
        #expect(retry.status == 200 && retry.json == #"{"id":"deploy-42"}"#, "\(retry)")
        #expect(try store.load().map(\.id) == ["deploy-42"])
    }

    @Test("a change waits for the silences file's lock (held here as `headroom silence` beside the daemon would), then applies", .timeLimit(.minutes(1)))
    func changeWaitsForLock() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let (store, api) = Self.silenceAPI(in: directory.url.path, clock: clock)
        let holder = open(store.path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(holder >= 0 && flock(holder, LOCK_EX) == 0)
        let body = Array(#"{"matchers": ["gpu=0"], "id": "maintenance"}"#.utf8)
        let waiting = try await Self.afterPatience(Self.silencePatience, on: clock) { await api.create(body) }
        #expect(waiting.status == 503, "\(waiting)")
        #expect(try store.load().isEmpty)
        close(holder)
        // The create that waited landed once the lock was free; the one sent again finds it.
        let again = try #require(try await Self.answered { await api.create(body) })
        #expect(again.status == 200, "\(again)")
        #expect(try store.load().map(\.id) == ["maintenance"])
    }

    @Test(
        "history reads held up by a hung writer answer after their patience; beyond four hung, new ones are refused at once",
        .timeLimit(.minutes(1)))
    func hungHistory() async throws {
        let directory = try TemporaryDirectory()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let clock = ManualClock()
        let patience = Duration.milliseconds(100)
        let recorder = HistoryRecorder(
            settings: HistorySettings(), path: directory.path("history.db"), clock: clock, logger: logger,
            queryPatience: patience)
        // The writer hangs in the store, holding its lock, as on a disk that stopped answering.
        let release = DispatchSemaphore(value: 0)
        let holding = Mutex(false)
        Thread.detachNewThread {
            recorder.writer.withLock { _ in
                holding.withLock { $0 = true }
                release.wait()
            }
        }
        // Waited for without blocking a concurrency thread (the suite's tests share a few).
        try #require(try await Poll.until { holding.withLock { $0 } })
        // Each read's patience runs on the recorder's clock: it gives up when the test moves it.
        for _ in 0..<HistoryRecorder.hungQueryLimit {
            await #expect(throws: HistoryNotAnswering.self) {
                try await Self.afterPatience(patience, on: clock) { try await recorder.seriesKeys() }
            }
        }
        #expect(recorder.queries.hung == HistoryRecorder.hungQueryLimit)
        await #expect {
            try await recorder.seriesKeys()
        } throws: { error in
            (error as? HistoryNotAnswering)?.description.contains("have not returned") == true
        }

        // The writer's own flush waits behind the held lock: after 10 s of the daemon's clock
        // it counts as a hung write, and history_write_failed says so.
        Thread.detachNewThread { recorder.writeUntilStopped() }
        defer { recorder.stop() }
        let health = HistoryCollector(recorder: recorder)
        func failing() throws -> Sample? { try health.collect().first { $0.name == "history_write_failed" && $0.value == 1 } }
        try #require(try await Poll.until { recorder.status.withLock { $0.writingSince } != nil })
        #expect(try failing() == nil, "not before 10 s")
        clock.advance(by: .seconds(11))
        let failed = try #require(try failing())
        #expect(failed.detail?.contains("writing \(recorder.path) has not finished in 11 s") == true, "\(failed.detail ?? "")")

        release.signal()
        #expect(try await Poll.until { recorder.queries.hung == 0 })
        // However long the read takes: its patience does not run while the clock stands.
        #expect(try await recorder.seriesKeys().isEmpty)
    }
}
