import HeadroomCore
import Hummingbird
import NIOCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The history API in the Prometheus HTTP API's shapes, so Grafana's Prometheus data source
/// can chart one host: `query_range`, `query`, `series`, `labels`, `label/{name}/values`
/// (GET, or POST with a form body), and `status/buildinfo`. Read-only, so open like
/// `/api/v1/status`.
enum QueryRoutes {
    /// The largest form body read (long `match[]` lists fit).
    static let maximumBody = 1 << 20

    static func add(to router: Router<BasicRequestContext>, history: any HistoryEndpoint) {
        let query = HistoryQuery(history: history)
        let routes: [(String, @Sendable (QueryParameters, Request, BasicRequestContext) async throws(QueryError) -> String)] = [
            ("/api/v1/query_range", { parameters, _, _ throws(QueryError) in try await query.range(parameters) }),
            ("/api/v1/query", { parameters, _, _ throws(QueryError) in try await query.instant(parameters, now: nowMilliseconds()) }),
            ("/api/v1/series", { parameters, _, _ throws(QueryError) in try await query.series(parameters) }),
            ("/api/v1/labels", { parameters, _, _ throws(QueryError) in try await query.labelNames(parameters) }),
            (
                "/api/v1/label/:name/values",
                { parameters, _, context throws(QueryError) in try await query.labelValues(context.parameters.get("name") ?? "", parameters) }
            ),
        ]
        for (path, answer) in routes {
            let handler: @Sendable (Request, BasicRequestContext) async -> Response = { request, context in
                await respond(request, context, disabled: history is NoHistory, answer)
            }
            router.get(RouterPath(path), use: handler)
            router.post(RouterPath(path), use: handler)
        }
        router.get("/api/v1/status/buildinfo") { _, _ -> Response in
            Responses.json(.ok, PrometheusJSON.success(buildInfo))
        }
    }

    /// What Grafana reads to choose the API's features: the Prometheus API level Headroom
    /// answers in (so Grafana sends `match[]` to the label endpoints), and who answers.
    static let buildInfo =
        #"{"version":"2.53.0","revision":"headroom","branch":"","buildUser":"headroom","buildDate":"","goVersion":""}"#

    private static func respond(
        _ request: Request, _ context: BasicRequestContext, disabled: Bool,
        _ answer: @Sendable (QueryParameters, Request, BasicRequestContext) async throws(QueryError) -> String
    ) async -> Response {
        do throws(QueryError) {
            if disabled { throw HistoryQuery.failure(HistoryDisabled()) }
            let parameters = QueryParameters(query: request.uri.query, body: try await formBody(request))
            return Responses.json(.ok, PrometheusJSON.success(try await answer(parameters, request, context)))
        } catch {
            return Responses.json(HTTPResponse.Status(code: error.status), PrometheusJSON.error(error))
        }
    }

    /// The body of a form POST (nil for other requests: Prometheus reads no other body).
    private static func formBody(_ request: Request) async throws(QueryError) -> String? {
        guard request.method == .post, request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return nil
        }
        do {
            let buffer = try await request.body.collect(upTo: maximumBody)
            return String(buffer: buffer)
        } catch {
            throw .badData("the form body is too large or could not be read (at most \(maximumBody / 1024) KiB)")
        }
    }

    private static func nowMilliseconds() -> Int64 {
        Int64((Date.now.timeIntervalSince1970 * 1000).rounded())
    }
}
