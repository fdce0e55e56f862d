import Dispatch
import Foundation
import HeadroomTesting
import Synchronization
import Testing

@Suite("SharedFixture: made once, on a thread of its own, waited for without holding a thread")
struct SharedFixtureTests {
    struct Broken: Error {}

    @Test("eight tests asking while it is made: another task still runs, it is made once, all get it")
    func askersHoldNoThread() async throws {
        let release = DispatchSemaphore(value: 0)
        let makes = Mutex(0)
        let forced = Mutex(false)
        let fixture = SharedFixture { () -> Int in
            makes.withLock { $0 += 1 }
            // Released by the test once another task ran; if the askers held every concurrency
            // thread, nothing could, and this gives up after 20 s so the test fails, not hangs.
            if release.wait(timeout: .now() + 20) == .timedOut { forced.withLock { $0 = true } }
            return 7
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await fixture.get() } }
            #expect(try await Poll.until { makes.withLock { $0 } == 1 })
            #expect(await Task.detached { 1 }.value == 1)
            release.signal()
            var values: [Int] = []
            for try await value in group { values.append(value) }
            #expect(values == Array(repeating: 7, count: 8))
        }
        #expect(forced.withLock { $0 } == false, "a task could not run while the fixture was made")
        #expect(try await fixture.get() == 7)
        #expect(makes.withLock { $0 } == 1)
    }

    @Test("a make that throws: every asker, now and later, gets the error; it is not made again")
    func failure() async throws {
        let makes = Mutex(0)
        let fixture = SharedFixture { () throws -> Int in
            makes.withLock { $0 += 1 }
            throw Broken()
        }
        await #expect(throws: Broken.self) { try await fixture.get() }
        await #expect(throws: Broken.self) { try await fixture.get() }
        #expect(throws: Broken.self) { try fixture.wait() }
        #expect(makes.withLock { $0 } == 1)
    }

    @Test("a fixture made from another: its make waits for the other on its own thread")
    func madeFromAnother() async throws {
        let base = SharedFixture { "ca" }
        let derived = SharedFixture { try base.wait() + "+server" }
        #expect(try await derived.get() == "ca+server")
        #expect(try await base.get() == "ca")
    }
}
