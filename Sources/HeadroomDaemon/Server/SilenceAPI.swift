import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomServer

/// The silences API (`/api/v1/silences`) over the same file `headroom silence` writes; the
/// delivery pipeline re-reads it when it changes.
///
/// Create body: `{"matchers": ["alertname=cpu_overload", "gpu=~0|1"], "duration": "2h",
/// "comment": "…", "created_by": "…"}`; answers 201 `{"id": "…"}`. Expire: 200 with the silence.
struct SilenceAPI: SilenceEndpoint {
    let store: SilenceStore
    let now: @Sendable () -> Date

    private struct CreateRequest: Decodable {
        var matchers: [String]
        var duration: String?
        var comment: String?
        var createdBy: String?
    }

    func list() async -> SilenceResult {
        answer(200) { () throws(SilenceError) in try encode(try store.running(at: now())) }
    }

    func create(_ body: [UInt8]) async -> SilenceResult {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let request = try? decoder.decode(CreateRequest.self, from: Data(body)) else {
            return failure(SilenceError(#"expected {"matchers": ["alertname=cpu_overload"], "duration": "2h", "comment": "…"}"#))
        }
        let current = now()
        return answer(201) { () throws(SilenceError) in
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
        answer(200) { () throws(SilenceError) in try encode(try store.expire(id, at: now())) }
    }

    /// `status` with the body `json` builds, or the error's status and message.
    private func answer(_ status: Int, _ json: () throws(SilenceError) -> String) -> SilenceResult {
        do { return SilenceResult(status: status, json: try json()) } catch { return failure(error) }
    }

    private func encode(_ value: some Encodable) throws(SilenceError) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw SilenceError("cannot encode the silences: \(error)", kind: .storage)
        }
    }

    private func failure(_ error: SilenceError) -> SilenceResult {
        let status =
            switch error.kind {
            case .invalid: 400
            case .notFound: 404
            case .storage: 500
            }
        return SilenceResult(status: status, json: #"{"error":\#(JSONText.quote(error.description))}"#)
    }
}
