import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomServer

/// The silences API (`/api/v1/silences`) over the same file `headroom silence` writes; the
/// delivery pipeline re-reads it when it changes.
///
/// Create body: `{"matchers": ["alertname=cpu_overload", "gpu=~0|1"], "duration": "2h",
/// "comment": "…", "created_by": "…"}`; answers 201 `{"id": "…"}`. Expire: 200 with the silence.
struct SilenceAPI: HeadroomServer.SilenceStore {
    let store: HeadroomNotify.SilenceStore
    let now: @Sendable () -> Date

    private struct CreateRequest: Decodable {
        var matchers: [String]
        var duration: String?
        var comment: String?
        var createdBy: String?
    }

    func list() async -> SilenceResult {
        do {
            let current = now()
            return SilenceResult(status: 200, json: try encode(try store.load().filter { $0.endsAt > current }))
        } catch {
            return failure(500, "\(error)")
        }
    }

    func create(_ body: [UInt8]) async -> SilenceResult {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let request = try? decoder.decode(CreateRequest.self, from: Data(body)) else {
            return failure(400, #"expected {"matchers": ["alertname=cpu_overload"], "duration": "2h", "comment": "…"}"#)
        }
        var matchers: [SilenceMatcher] = []
        for text in request.matchers {
            switch SilenceMatcher.parse(text) {
            case .success(let matcher): matchers.append(matcher)
            case .failure(let error): return failure(400, error.description)
            }
        }
        guard !matchers.isEmpty else { return failure(400, "give at least one matcher, e.g. alertname=cpu_overload") }
        guard let length = HumanDuration.parse(request.duration ?? "1h"), length > .zero else {
            return failure(400, "duration: expected a duration such as 30m, 2h or 1d")
        }
        do {
            let current = now()
            var silences = try store.load().filter { $0.endsAt > current }
            let id = String(UUID().uuidString.lowercased().prefix(8))
            silences.append(Silence(id: id, matchers: matchers, startsAt: current,
                                    endsAt: current.addingTimeInterval(length.headroomSeconds),
                                    comment: request.comment ?? "", createdBy: request.createdBy ?? "api"))
            try store.save(silences)
            return SilenceResult(status: 201, json: #"{"id":"\#(id)"}"#)
        } catch {
            return failure(500, "\(error)")
        }
    }

    func expire(id: String) async -> SilenceResult {
        do {
            var silences = try store.load()
            guard let index = silences.firstIndex(where: { $0.id == id }) else { return failure(404, "no such silence") }
            silences[index].endsAt = min(silences[index].endsAt, now())
            try store.save(silences)
            return SilenceResult(status: 200, json: try encode(silences[index]))
        } catch {
            return failure(500, "\(error)")
        }
    }

    private func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func failure(_ status: Int, _ message: String) -> SilenceResult {
        let quoted = String(decoding: (try? JSONEncoder().encode(message)) ?? Data("\"error\"".utf8), as: UTF8.self)
        return SilenceResult(status: status, json: #"{"error":\#(quoted)}"#)
    }
}
