import HeadroomCore
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test(
        "doubling counted in steps: 1, 2, 4 … after 1, 2, 3 … failures, capped",
        arguments: [
            (0, 1), (1, 1), (2, 2), (3, 4), (7, 64), (8, 64), (1_000, 64),
        ])
    func steps(failures: Int, expected: Int) {
        #expect(Backoff.steps(afterFailures: failures, maximum: 64) == expected)
    }

    @Test("a delay never passes the cap, however many failures (no overflow)")
    func cap() {
        let backoff = Backoff(initial: .seconds(300), maximum: .seconds(3600))
        #expect(backoff.delay(afterFailures: 1) == .seconds(300))
        #expect(backoff.delay(afterFailures: 5) == .seconds(3600))
        #expect(backoff.delay(afterFailures: .max) == .seconds(3600))
        #expect(backoff.delay(afterFailures: .max, jitter: 1) == .seconds(3600))
    }
}
