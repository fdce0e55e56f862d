import Dispatch
import Foundation
import HeadroomNotify
import HeadroomTesting
import Synchronization
import Testing

@Suite("Calls on a disk that may hang", .timeLimit(.minutes(1)))
struct DiskCallsTests {
    struct Broken: Error {}

    @Test("a call's result or error comes back as it is")
    func answers() async throws {
        let calls = DiskCalls(name: "test-disk", limit: 1, cap: 4, patience: .seconds(30))
        #expect(try await calls.run("reading") { 42 } == 42)
        await #expect(throws: Broken.self) { try await calls.run("reading") { () throws -> Int in throw Broken() } }
        #expect(calls.hung == 0)
    }

    @Test("a hung call is given up after the patience; while the limit of hung calls stands, new ones are refused without running")
    func hung() async throws {
        let clock = ManualClock()
        let calls = DiskCalls(name: "test-disk", limit: 1, cap: 4, patience: .seconds(30), clock: clock)
        let release = DispatchSemaphore(value: 0)
        let runs = Mutex(0)
        let first = Task { @Sendable in
            try await calls.run("reading the file") { () -> Int in
                runs.withLock { $0 += 1 }
                release.wait()
                return 1
            }
        }
        // The caller's patience runs out on the clock, not in real time.
        await clock.waitForAlarm(after: 0)
        clock.advance(by: .seconds(30))
        await #expect {
            try await first.value
        } throws: { error in
            "\(error)".contains("reading the file has not answered in 30s")
        }
        #expect(calls.hung == 1)
        await #expect {
            try await calls.run("reading the file") { () -> Int in
                runs.withLock { $0 += 1 }
                return 2
            }
        } throws: { error in
            "\(error)".contains("1 earlier call(s) have not returned")
        }
        #expect(runs.withLock { $0 } == 1, "the refused call never ran")

        // The hung call returns: new calls run again.
        release.signal()
        #expect(try await Poll.until { calls.hung == 0 })
        #expect(try await calls.run("reading the file") { 3 } == 3)
    }

    @Test("at most `cap` calls run at once: one more is refused without running, and runs once a slot is free")
    func cap() async throws {
        let calls = DiskCalls(name: "test-disk", limit: 4, cap: 1, patience: .seconds(60))
        let release = DispatchSemaphore(value: 0)
        let started = Mutex(false)
        let first = Task {
            try await calls.run("reading") { () -> Int in
                started.withLock { $0 = true }
                release.wait() // on the call's own thread
                return 1
            }
        }
        // Waited for without blocking a concurrency thread (the suite's tests share a few).
        try #require(try await Poll.until { started.withLock { $0 } })
        await #expect {
            try await calls.run("reading") { 2 }
        } throws: { error in
            "\(error)".contains("1 calls are under way, the most at once")
        }
        release.signal()
        #expect(try await first.value == 1)
        #expect(try await calls.run("reading") { 3 } == 3)
    }
}
