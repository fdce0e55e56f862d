@testable import HeadroomDaemon
import Testing

/// When the daemon unmaps pages: after start and reloads, and once requests stop.
@Suite("Page release schedule")
struct PageReleaseScheduleTests {
    /// The rounds of `rounds` after which a release is due, with the server's request count
    /// per round given by `requests`.
    static func due(
        _ schedule: inout PageReleaseSchedule, rounds: Range<Int>, interval: Duration = .seconds(1), requests: (Int) -> Int?
    ) -> [Int] {
        rounds.filter { schedule.isDue(round: $0, requests: requests($0), interval: interval) }
    }

    @Test("start-up pages go after the third round even while a scraper asks every round; a scraper every 15 s keeps serving's pages")
    func scraperDoesNotDelayStart() {
        var schedule = PageReleaseSchedule(enabled: true)
        #expect(Self.due(&schedule, rounds: 1..<600) { $0 / 15 } == [3])
    }

    @Test("serving's pages go 90 s after the last request (at 1 s and at 5 s), and again after the next visit")
    func afterTheLastRequest() {
        var schedule = PageReleaseSchedule(enabled: true)
        // A page open from round 10 to round 40 (a request each second), then closed.
        #expect(Self.due(&schedule, rounds: 1..<300) { round in min(max(round - 9, 0), 31) } == [3, 130])
        // Open again for a moment at round 400.
        #expect(Self.due(&schedule, rounds: 300..<600) { round in 31 + (round >= 400 ? 1 : 0) } == [490])

        var slow = PageReleaseSchedule(enabled: true)
        #expect(Self.due(&slow, rounds: 1..<100, interval: .seconds(5)) { round in round >= 10 ? 1 : 0 } == [3, 28])
    }

    @Test("a reload releases its start-up pages three rounds later; a disabled schedule releases nothing at start")
    func reloadAndDisabled() {
        var schedule = PageReleaseSchedule(enabled: true)
        #expect(Self.due(&schedule, rounds: 1..<50) { _ in nil } == [3])
        schedule.reloaded(at: 50)
        #expect(Self.due(&schedule, rounds: 50..<100) { _ in nil } == [53])

        var off = PageReleaseSchedule(enabled: false)
        #expect(Self.due(&off, rounds: 1..<50) { _ in nil }.isEmpty)
    }
}
