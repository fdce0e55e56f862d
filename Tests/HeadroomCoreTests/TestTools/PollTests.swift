import HeadroomTesting
import Synchronization
import Testing

/// The tests' one wait, on a clock whose sleeps can end late, as a starved test process's do.
@Suite("Poll: waiting that a starved process does not turn into a failure")
struct PollTests {
    /// A clock that moves only when slept on: each sleep ends where it was asked to, plus the
    /// next of `stalls` (then nothing more).
    final class StallingClock: Clock, Sendable {
        struct Instant: InstantProtocol {
            var offset: Duration
            func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
            func duration(to other: Instant) -> Duration { other.offset - offset }
            static func < (left: Instant, right: Instant) -> Bool { left.offset < right.offset }
        }

        private let state: Mutex<(now: Instant, stalls: [Duration])>
        init(stalls: [Duration]) { state = Mutex((Instant(offset: .zero), stalls)) }
        var now: Instant { state.withLock { $0.now } }
        var minimumResolution: Duration { .zero }
        func sleep(until deadline: Instant, tolerance: Duration?) async throws {
            state.withLock { state in
                let stall = state.stalls.isEmpty ? .zero : state.stalls.removeFirst()
                state.now = max(state.now, deadline).advanced(by: stall)
            }
        }
    }

    /// A probe that answers from its `answerAt`-th call on (never when nil); counts its calls.
    final class Probe: Sendable {
        let answerAt: Int?
        private let calls = Mutex(0)
        init(answerAt: Int?) { self.answerAt = answerAt }
        var count: Int { calls.withLock { $0 } }
        func callAsFunction() -> String? {
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            return answerAt.map { call >= $0 ? "answer" : nil } ?? nil
        }
    }

    @Test("a sleep that ends 30 s late, past a 20 s timeout: the poll goes on asking and takes the answer")
    func starvedPastTheDeadline() async throws {
        // The first ask after the late wake-up has no answer yet (what the same starvation held
        // back has not run yet); the next one has.
        let clock = StallingClock(stalls: [.seconds(30)])
        let probe = Probe(answerAt: 3)
        let value = try await Poll.value(within: .seconds(20), every: .milliseconds(10), clock: clock) { probe() }
        #expect(value == "answer")
        #expect(probe.count == 3)
        #expect(clock.now.offset == .seconds(30) + .milliseconds(20))
    }

    @Test("no answer: the poll ends after its timeout of asked-for waiting, to the probe")
    func noAnswer() async throws {
        let clock = StallingClock(stalls: [])
        let probe = Probe(answerAt: nil)
        let value = try await Poll.value(within: .seconds(1), every: .milliseconds(10), clock: clock) { probe() }
        #expect(value == nil)
        // At 0, 10 ms, …, 1 s.
        #expect(probe.count == 101)
        #expect(clock.now.offset == .seconds(1))
    }

    @Test("no answer and every sleep late: the poll still ends, after the same number of asks")
    func noAnswerStarvedThroughout() async throws {
        let clock = StallingClock(stalls: Array(repeating: .seconds(5), count: 1000))
        let probe = Probe(answerAt: nil)
        let value = try await Poll.value(within: .seconds(1), every: .milliseconds(10), clock: clock) { probe() }
        #expect(value == nil)
        #expect(probe.count == 101)
    }

    @Test("a probe that takes time uses up the timeout")
    func slowProbe() async throws {
        let clock = StallingClock(stalls: [])
        let calls = Mutex(0)
        let value: Int? = try await Poll.value(within: .seconds(1), every: .milliseconds(10), clock: clock) {
            calls.withLock { $0 += 1 }
            try await clock.sleep(for: .milliseconds(240)) // a request that takes its time
            return nil
        }
        #expect(value == nil)
        // 0, 250, 500, 750, 1000 ms.
        #expect(calls.withLock { $0 } == 5)
    }
}
