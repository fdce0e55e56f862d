public import HeadroomCore
#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Seam for the history API (`/api/v1/query_range`, `/api/v1/query`, `/api/v1/series`,
/// `/api/v1/labels`, `/api/v1/label/{name}/values`, `/api/v1/alerts/history`): the recorded
/// series and their samples, and the recorded events.
/// The daemon plugs in its history store; a server without one uses `NoHistory`.
///
/// Implementations may be called concurrently from many requests, must not block a thread
/// while reading, and return samples in time order. A read that cannot be answered for now
/// (its disk does not answer) throws `HistoryNotAnswering`, which the routes answer with 503.
public protocol HistoryEndpoint: Sendable {
    /// Every recorded series (stored names, without the exposition prefix).
    func seriesKeys() async throws -> [SeriesKey]
    /// The samples of `key` from `from` to `to` (Unix milliseconds, both included), oldest first.
    func samples(of key: SeriesKey, from: Int64, to: Int64) async throws -> [(time: Int64, value: Double)]
    /// The alert changes, notification outcomes and incidents from `from` to `to` (both
    /// included), oldest first; at most `limit`, the newest when there are more.
    func events(from: Date, to: Date, limit: Int) async throws -> [HistoryEvent]
}

/// The history cannot be read for now: its disk does not answer (503, with `description`).
public struct HistoryNotAnswering: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
