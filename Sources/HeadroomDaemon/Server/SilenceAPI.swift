import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomServer

/// The silences API (`/api/v1/silences`) over the same file `headroom silence` writes; the
/// delivery pipeline re-reads it when it changes.
///
/// Create body: `{"matchers": ["alertname=cpu_overload", "gpu=~0|1"], "duration": "2h",
/// "comment": "…", "created_by": "…", "id": "…"}`; answers 201 `{"id": "…"}`. The `id` is
/// optional: a client that chooses one may send the create again (after a timeout, a 503)
/// and it is applied once: 200 with the same id while that silence runs, 409 when the id
/// names another silence or one that has ended. Expire: 200 with the silence.
///
/// The file is read and written on a thread of its own (`DiskCalls`): a request waits for it
/// at most 5 s of the daemon's clock, then answers 503 (a create or an expire may still be
/// applied once the disk answers, and says so); while one such call is still hung, requests
/// answer 503 at once. A disk that stops answering holds at most 8 threads, not one per
/// request.
struct SilenceAPI: SilenceEndpoint {
    let store: SilenceStore
    let clock: any DaemonClock
    let calls: DiskCalls

    init(store: SilenceStore, clock: any DaemonClock, patience: Duration = .seconds(5)) {
        self.store = store
        self.clock = clock
        calls = DiskCalls(name: "headroom-silence", limit: 1, cap: 8, patience: patience, clock: clock)
    }

    private struct CreateRequest: Decodable, Sendable {
        var matchers: [String]
        var duration: String?
        var comment: String?
        var createdBy: String?
        var id: String?
    }

    func list() async -> SilenceResult {
        await onDisk { [store, clock] () throws(SilenceError) in SilenceResult(status: 200, json: try Self.encode(try store.running(at: clock.wallTime()))) }
    }

    func create(_ body: [UInt8]) async -> SilenceResult {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let request = try? decoder.decode(CreateRequest.self, from: Data(body)) else {
            return Self.failure(SilenceError(#"expected {"matchers": ["alertname=cpu_overload"], "duration": "2h", "comment": "…"}"#))
        }
        if let id = request.id, !SilenceChange.isValidID(id) {
            return Self.failure(SilenceError("id \(JSONText.quote(id)): expected 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"))
        }
        let current = clock.wallTime()
        let later = request.id == nil ? "list the silences before trying again" : "send it again with the same id: it is applied once"
        return await onDisk(later: later) { [store] () throws(SilenceError) in
            let silence = try SilenceChange.silence(
                matchers: request.matchers, duration: request.duration ?? "1h",
                comment: request.comment ?? "", createdBy: request.createdBy ?? "api",
                id: request.id ?? SilenceChange.newID(), at: current
            ).get()
            let added = try store.add(silence, at: current)
            return SilenceResult(status: added ? 201 : 200, json: #"{"id":\#(JSONText.quote(silence.id))}"#)
        }
    }

    func expire(id: String) async -> SilenceResult {
        await onDisk(later: "list the silences before trying again") { [store, clock] () throws(SilenceError) in
            SilenceResult(status: 200, json: try Self.encode(try store.expire(id, at: clock.wallTime())))
        }
    }

    /// What `answer` builds (on the file's own thread), or the error's status and message; 503
    /// when the file's disk does not answer, which for a change (`later`: what to do about
    /// it) says the change may still be applied.
    private func onDisk(
        later: String? = nil, _ answer: @escaping @Sendable () throws(SilenceError) -> SilenceResult
    ) async -> SilenceResult {
        do {
            return try await calls.run("the silences file \(store.path)") {
                do throws(SilenceError) { return try answer() } catch { return Self.failure(error) }
            }
        } catch {
            let note = later.map { "; the change may still be applied once it answers: \($0)" } ?? ""
            return SilenceResult(status: 503, json: #"{"error":\#(JSONText.quote("\(error)\(note)"))}"#)
        }
    }

    private static func encode(_ value: some Encodable) throws(SilenceError) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw SilenceError("cannot encode the silences: \(error)", kind: .storage)
        }
    }

    private static func failure(_ error: SilenceError) -> SilenceResult {
        let status =
            switch error.kind {
            case .invalid: 400
            case .notFound: 404
            case .storage: 500
            case .conflict: 409
            }
        return SilenceResult(status: status, json: #"{"error":\#(JSONText.quote(error.description))}"#)
    }
}
