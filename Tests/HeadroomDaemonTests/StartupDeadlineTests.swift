import Foundation
import HeadroomCore
@testable import HeadroomDaemon
import HeadroomNotify
import HeadroomTesting
import Synchronization
import Testing

/// Start-up on a state directory whose disk does not answer: each call into it has a
/// deadline, and what the previous run left is read before any service starts.
@Suite("Start-up deadline")
struct StartupDeadlineTests {
    /// What `expire` was given.
    final class Expiries: Sendable {
        let failures = Mutex<[StartupFailure]>([])
        func record(_ failure: StartupFailure) { failures.withLock { $0.append(failure) } }
        var all: [StartupFailure] { failures.withLock { $0 } }
    }

    /// Runs `body` on a thread of its own (a step stuck on a disk must not hold a test's
    /// concurrency thread); the returned latch opens when it ends.
    static func onThread(_ body: @escaping @Sendable () -> Void) -> Latch {
        let done = Latch()
        Thread.detachNewThread {
            body()
            done.open()
        }
        return done
    }

    @Test(
        "a step still running after its patience on the daemon's clock ends the start once, naming state_dir, the step and the remedy", .timeLimit(.minutes(1)))
    func stuckStep() async throws {
        let clock = ManualClock()
        let expiries = Expiries()
        let release = DispatchSemaphore(value: 0)
        let deadline = StartupDeadline(directory: "/var/lib/headroom", clock: clock) { failure in
            expiries.record(failure)
            release.signal()
        }
        let begun = clock.uptime()
        let done = Self.onThread {
            deadline.step("reading /var/lib/headroom/alert-state.json") { release.wait() }
        }
        // The watcher sleeps until the step's 30 s have passed.
        await clock.waitForPendingAlarm(notBefore: begun + .seconds(30))
        clock.advance(by: .seconds(29))
        #expect(expiries.all.isEmpty)
        clock.advance(by: .seconds(1))
        let failure = try #require(try await Poll.value { expiries.all.first })
        #expect(
            failure.description
                == "the state directory /var/lib/headroom (state_dir, HEADROOM_STATE_DIR) does not answer: reading /var/lib/headroom/alert-state.json has not finished in 30s; check the disk or the network mount it is on, or set state_dir to a directory on a local disk"
        )
        await done.wait()
        deadline.finish()
        #expect(expiries.all.count == 1)
    }

    @Test("each step has the whole patience: steps that each end in time, together longer than it, do not end the start", .timeLimit(.minutes(1)))
    func patiencePerStep() async throws {
        let clock = ManualClock()
        let expiries = Expiries()
        let deadline = StartupDeadline(directory: "/state", patience: .seconds(2), clock: clock) { expiries.record($0) }
        let done = Self.onThread {
            // 4.5 s in all, 1.5 s each.
            for step in 1...3 {
                deadline.step("step \(step)") { clock.advance(by: .milliseconds(1500)) }
            }
            // Returns once the watcher has ended: it decided on every step before.
            deadline.finish()
        }
        await done.wait()
        #expect(expiries.all.isEmpty, "\(expiries.all)")
    }

    @Test("between steps and after finish nothing is watched: no step under way never expires", .timeLimit(.minutes(1)))
    func idleBetweenSteps() async throws {
        let clock = ManualClock()
        let expiries = Expiries()
        let deadline = StartupDeadline(directory: "/state", patience: .seconds(1), clock: clock) { expiries.record($0) }
        let done = Self.onThread {
            deadline.step("a quick one") {}
            clock.advance(by: .seconds(7200))
            deadline.step("another quick one") {}
            deadline.finish()
            clock.advance(by: .seconds(7200))
        }
        await done.wait()
        #expect(expiries.all.isEmpty)
    }

    /// Recovers `harness`'s state under a deadline of 0.5 s whose expiry answers `file` (a
    /// FIFO) from the deadline's thread, freeing the read it found stuck; returns what expired.
    /// The stuck read holds a concurrency thread until then: 0.5 s and the answer, bounded.
    static func recoverThroughHang(_ harness: DaemonHarness, state: String, file: String) async throws -> [StartupFailure] {
        let expiries = Expiries()
        let answered = Mutex(false)
        let deadline = StartupDeadline(directory: state, patience: .milliseconds(500), clock: SystemClock()) { failure in
            // The disk answers with something that cannot be parsed, once the read has reached
            // the FIFO (a loaded machine may expire the step before it does); retried here, on
            // the deadline's thread, which may wait. The failure is recorded after (the freed
            // read may end recovery before this closure returns).
            let limit = ContinuousClock.now + .seconds(20)
            do {
                var freed = false
                while !freed, ContinuousClock.now < limit {
                    freed = try HangingFile.answerNow(at: file) { try "not json".write(toFile: file, atomically: false, encoding: .utf8) }
                    if !freed { usleep(10_000) }
                }
                answered.withLock { $0 = freed }
            } catch {
                Issue.record("answering \(file): \(error)")
            }
            expiries.record(failure)
        }
        await harness.daemon.recoverState(within: deadline)
        deadline.finish()
        _ = try await Poll.value { expiries.all.first }
        #expect(answered.withLock { $0 })
        return expiries.all
    }

    @Test("a saved alert state whose disk does not answer: recovery ends the start naming the file, not the first round")
    func hungAlertState() async throws {
        let directory = try TemporaryDirectory()
        let state = directory.path("state")
        let file = state + "/alert-state.json"
        try HangingFile.make(at: file)
        let harness = try DaemonHarness(yaml: DaemonTests.gpuYAML, collectors: [ScriptedCollector(name: "gpu")], stateDirectory: state)
        let failures = try await Self.recoverThroughHang(harness, state: state, file: file)
        #expect(failures.count == 1)
        #expect(
            failures.first?.description.hasPrefix(
                "the state directory \(state) (state_dir, HEADROOM_STATE_DIR) does not answer: reading \(file) has not finished in 500ms") == true,
            "\(failures)")
    }

    @Test("an outbox whose disk does not answer ends the start naming the outbox")
    func hungOutbox() async throws {
        let directory = try TemporaryDirectory()
        let state = directory.path("state")
        let entry = state + "/outbox/0000000000-a.json"
        try HangingFile.make(at: entry)
        let harness = try DaemonHarness(yaml: DaemonTests.gpuYAML, collectors: [ScriptedCollector(name: "gpu")], stateDirectory: state)
        let failures = try await Self.recoverThroughHang(harness, state: state, file: entry)
        #expect(failures.count == 1)
        #expect(failures.first?.description.contains("does not answer: reading the outbox \(state)/outbox has not finished in 500ms") == true, "\(failures)")
    }

    @Test("the alert state read at start is what the first round takes up: the round thread reads no file")
    func firstRoundTakesUpStartRead() async throws {
        let directory = try TemporaryDirectory()
        let state = directory.path("state")
        let gpu = ScriptedCollector(name: "gpu")
        gpu.set(DaemonTests.gpu(85))
        let first = try DaemonHarness(yaml: DaemonTests.gpuYAML, collectors: [gpu], stateDirectory: state)
        for seconds in [0.0, 5, 10, 15] { await first.tick(seconds) }
        #expect(first.daemon.alerts.firingAlerts.map(\.rule) == ["gpu_memory_high"])
        first.daemon.alerts.saveState(at: first.start.addingTimeInterval(15))
        let file = state + "/alert-state.json"
        #expect(FileManager.default.fileExists(atPath: file))

        let second = try DaemonHarness(yaml: DaemonTests.gpuYAML, collectors: [gpu], stateDirectory: state)
        let deadline = StartupDeadline(directory: state, clock: SystemClock()) { Issue.record("expired: \($0)") }
        await second.daemon.recoverState(within: deadline)
        deadline.finish()
        // Gone after start: a first round that read the file itself would start afresh (pending).
        try FileManager.default.removeItem(atPath: file)
        await second.tick(20)
        #expect(second.daemon.alerts.firingAlerts.map(\.rule) == ["gpu_memory_high"])
    }
}
