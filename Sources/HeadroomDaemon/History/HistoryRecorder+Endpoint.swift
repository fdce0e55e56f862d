public import Foundation
public import HeadroomCore
import HeadroomHistory
import HeadroomNotify
public import HeadroomServer

/// The history API's reads. Each runs on a thread of its own, not on the server's: a read
/// waits for the writer's lock, and a writer stuck on a hung disk must not stall the server.
/// A read waits at most `queryPatience`; while `hungQueryLimit` reads are hung, new ones are
/// refused at once (`DiskCalls`), so a dashboard polling a hung disk gets answers and holds
/// a few threads, not one more per poll.
extension HistoryRecorder: HistoryEndpoint {
    public func seriesKeys() async throws -> [SeriesKey] {
        try await offThread { try self.read { try $0.seriesKeys() } }
    }

    public func samples(of key: SeriesKey, from: Int64, to: Int64) async throws -> [(time: Int64, value: Double)] {
        try await offThread { try self.read { try $0.samples(of: key, from: from, to: to, includingMinutes: true) } }
    }

    public func events(from: Date, to: Date, limit: Int) async throws -> [HistoryEvent] {
        try await offThread { try self.read { try $0.events(from: from, to: to, limit: limit) } }
    }

    private func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do { return try await queries.run("the history \(path)", body) } catch let unanswered as DiskCalls.Unanswered {
            throw HistoryNotAnswering(unanswered.description)
        }
    }
}
