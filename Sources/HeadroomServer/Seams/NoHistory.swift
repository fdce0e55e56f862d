public import HeadroomCore
#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The default `HistoryEndpoint`: history is switched off, and every history route answers
/// 503 with how to switch it on.
public struct NoHistory: HistoryEndpoint {
    public init() {}
    public func seriesKeys() async throws -> [SeriesKey] { throw HistoryDisabled() }
    public func samples(of key: SeriesKey, from: Int64, to: Int64) async throws -> [(time: Int64, value: Double)] {
        throw HistoryDisabled()
    }
    public func events(from: Date, to: Date, limit: Int) async throws -> [HistoryEvent] { throw HistoryDisabled() }
}

/// What `NoHistory` throws; the routes answer it with HTTP 503.
struct HistoryDisabled: Error, CustomStringConvertible {
    var description: String { "history is disabled; set history.enabled (HEADROOM_HISTORY_ENABLED) to true" }
}
