/// When the daemon unmaps pages it no longer uses (`StartupPages`), decided per round (pure):
/// a few rounds after start and after each reload, and once requests to the server have
/// stopped for `quiet` (the dashboard closed). Requests never delay the start-up release,
/// and a scraper that comes back within `quiet` keeps serving's pages, which it would only
/// fault back in.
struct PageReleaseSchedule: Sendable, Equatable {
    /// Rounds between a start or reload and the release of its pages.
    static let roundsAfterStart = 3
    /// Time without requests before the pages serving touched are released.
    static let quiet: Duration = .seconds(90)

    private var startRelease: Int?
    private var servedRelease: Int?
    private var servedRequests = 0

    /// A schedule that releases after start (`enabled`), or never.
    init(enabled: Bool) {
        startRelease = enabled ? Self.roundsAfterStart : nil
    }

    /// After a reload at `round`: release that configuration's start-up pages too.
    mutating func reloaded(at round: Int) {
        startRelease = round + Self.roundsAfterStart
    }

    /// Whether to release after live round `round`, given the server's request count then
    /// (nil: no server) and the interval between rounds.
    mutating func isDue(round: Int, requests: Int?, interval: Duration) -> Bool {
        if let requests, requests != servedRequests {
            servedRequests = requests
            let quietRounds = Int((Self.quiet / interval).rounded(.up))
            servedRelease = round + max(Self.roundsAfterStart, quietRounds)
        }
        var due = false
        if let at = startRelease, round >= at {
            startRelease = nil
            due = true
        }
        if let at = servedRelease, round >= at {
            servedRelease = nil
            due = true
        }
        return due
    }
}
