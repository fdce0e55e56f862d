#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Where a replay reads the recorded past: the local history file, or a Prometheus-API
/// server's range data.
public protocol ReplaySource {
    /// Calls `round` with each recorded round from `from` to `to` (both included), in time
    /// order: the samples the rules saw, stamped as they were.
    func rounds(from: Date, to: Date, _ round: (Date, [Sample]) throws -> Void) async throws
    /// The incidents the source recorded in the range; nil when it records none, and the
    /// replay finds them in the counters (`IncidentDetector`).
    func incidents(from: Date, to: Date) async throws -> [HistoryEvent]?
}

extension Backtest {
    /// Replays `source` from `from` to `to` through each configuration's rules in one pass;
    /// one report per configuration, in order.
    public static func run(
        _ configurations: [(rules: [AlertRule], policy: AlertPolicy)], source: some ReplaySource, from: Date, to: Date,
        window: Duration = .seconds(3600)
    ) async throws -> [BacktestReport] {
        var backtests = configurations.map { Backtest(rules: $0.rules, policy: $0.policy) }
        var detector = IncidentDetector(forgetAfter: configurations.first?.policy.staleAfter.headroomSeconds ?? 300)
        var found: [HistoryEvent] = []
        try await source.rounds(from: from, to: to) { time, samples in
            for index in backtests.indices { backtests[index].replay(samples, at: time) }
            found += detector.observe(samples, at: time)
        }
        let incidents = try await source.incidents(from: from, to: to) ?? found
        return backtests.map { $0.report(from: from, to: to, incidents: incidents, window: window) }
    }
}
