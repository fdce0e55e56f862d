import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomServer

/// The silences API (`/api/v1/silences`) over the same file `headroom silence` writes; the
/// delivery pipeline re-reads it when it changes.
///
/// Create body: `{"matchers": ["alertname=cpu_overload", "gpu=~0|1"], "duration": "2h",
/// "comment": "…", "created_by": "…"}`; answers 201 `{"id": "…"}`. Expire: 200 with the silence.
///
/// The file is read and written on a thread of its own (`DiskCalls`): a request waits for it
/// at most 5 s, then answers 503 (a create or an expire may still be applied once the disk
/// answers, and says so); while one such call is still hung, requests answer 503 at once. A
/// disk that stops answering holds at most 8 threads, not one per request.
struct SilenceAPI: SilenceEndpoint {
    let store: SilenceStore
    let now: @Sendable () -> Date
    var calls = DiskCalls(name: "headroom-silence", limit: 1, cap: 8, patience: .seconds(5))

    private struct CreateRequest: Decodable, Sendable {
        var matchers: [String]
        var duration: String?
        var comment: String?
        var createdBy: String?
    }

    func list() async -> SilenceResult {
        await onDisk(200) { [store, now] () throws(SilenceError) in try Self.encode(try store.running(at: now())) }
    }

    func create(_ body: [UInt8]) async -> SilenceResult {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let request = try? decoder.decode(CreateRequest.self, from: Data(body)) else {
            return Self.failure(SilenceError(#"expected {"matchers": ["alertname=cpu_overload"], "duration": "2h", "comment": "…"}"#))
        }
        let current = now()
        return await onDisk(201, changes: true) { [store] () throws(SilenceError) in
            let silence = try SilenceChange.silence(
                matchers: request.matchers, duration: request.duration ?? "1h",
                comment: request.comment ?? "", createdBy: request.createdBy ?? "api",
                id: SilenceChange.newID(), at: current
            ).get()
            try store.add(silence, at: current)
            return #"{"id":"\#(silence.id)"}"#
        }
    }

    func expire(id: String) async -> SilenceResult {
        await onDisk(200, changes: true) { [store, now] () throws(SilenceError) in try Self.encode(try store.expire(id, at: now())) }
    }

    /// `status` with the body `json` builds (on the file's own thread), or the error's status
    /// and message; 503 when the file's disk does not answer.
    private func onDisk(
        _ status: Int, changes: Bool = false, _ json: @escaping @Sendable () throws(SilenceError) -> String
    ) async -> SilenceResult {
        do {
            return try await calls.run("the silences file \(store.path)") {
                do throws(SilenceError) { return SilenceResult(status: status, json: try json()) } catch { return Self.failure(error) }
            }
        } catch {
            let later = changes ? "; the change may still be applied once it answers: list the silences before trying again" : ""
            return SilenceResult(status: 503, json: #"{"error":\#(JSONText.quote("\(error)\(later)"))}"#)
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
            }
        return SilenceResult(status: status, json: #"{"error":\#(JSONText.quote(error.description))}"#)
    }
}
