import Foundation
import HeadroomCore

/// Range data from a Prometheus-API server as a replay source (to be completed).
struct PrometheusReplaySource: ReplaySource {
    struct Unsupported: Error, CustomStringConvertible {
        var description: String { "reading a Prometheus-API server is not available in this build" }
    }

    init(url: String, interval: Duration, rules: [AlertRule]) throws {
        throw Unsupported()
    }

    func rounds(from: Date, to: Date, _ round: (Date, [Sample]) throws -> Void) async throws {}
    func incidents(from: Date, to: Date) async throws -> [HistoryEvent]? { nil }
}
