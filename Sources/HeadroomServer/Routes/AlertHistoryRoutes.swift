import HeadroomCore
import Hummingbird
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `GET /api/v1/alerts/history?from=&to=&category=&limit=`: the recorded alert changes,
/// notification outcomes and incidents, as the JSON array `headroom history --format json`
/// prints (`HistoryEventJSON`). `from` and `to` are RFC 3339, Unix seconds, or a duration
/// before now (`6h`); the defaults are the last 6 hours. Read-only, so open like `/api/v1/status`.
enum AlertHistoryRoutes {
    static let defaultRange: Duration = .seconds(6 * 3600)
    static let maximumLimit = 100_000

    static func add(to router: Router<BasicRequestContext>, history: any HistoryEndpoint, now: @escaping @Sendable () -> Date) {
        router.get("/api/v1/alerts/history") { request, _ -> Response in
            let query = request.uri.queryParameters
            let current = now()
            func time(_ name: String, _ fallback: Date) -> Date?? {
                guard let text = query[name[...]].map(String.init), !text.isEmpty else { return .some(fallback) }
                return .some(PointInTime.parse(text, now: current))
            }
            guard case .some(let from?) = time("from", current.addingTimeInterval(-defaultRange.headroomSeconds)),
                case .some(let to?) = time("to", current)
            else {
                return problem(.badRequest, "from and to are RFC 3339 (2026-12-04T03:00:00Z), Unix seconds, or a duration before now (6h)")
            }
            var limit = 10_000
            if let text = query["limit"] {
                guard let value = Int(text), (1...maximumLimit).contains(value) else {
                    return problem(.badRequest, "limit is a whole number from 1 to \(maximumLimit)")
                }
                limit = value
            }
            var category: HistoryEvent.Category?
            if let text = query["category"] {
                guard let value = HistoryEvent.Category(rawValue: String(text)) else {
                    return problem(.badRequest, "category is one of alert, notification, incident")
                }
                category = value
            }
            do {
                var events = try await history.events(from: from, to: to, limit: limit)
                if let category { events = events.filter { $0.category == category } }
                return Responses.json(.ok, HistoryEventJSON.encode(events))
            } catch is HistoryDisabled {
                return problem(.serviceUnavailable, HistoryDisabled().description)
            } catch {
                return problem(.serviceUnavailable, "cannot read the history: \(error)")
            }
        }
    }

    private static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var writer = JSONObjectWriter()
        writer.string("error", message)
        return Responses.json(status, writer.finish())
    }
}
