import HeadroomCore
import Hummingbird
import NIOCore

/// The JSON API: `/api/v1/status`, `/api/v1/alerts`, the silences seam and the OpenAPI document.
enum APIRoutes {
    static func add(to router: Router<BasicRequestContext>, state: any StateReader, silences: any SilenceEndpoint, token: BearerToken) {
        router.get("/api/v1/status") { _, _ -> Response in
            Responses.json(.ok, JSONBody.encode(StatusJSON(await state.read())))
        }
        router.get("/api/v1/alerts") { _, _ -> Response in
            let current = await state.read()
            let gating = Set(current.rules.filter(\.gate).map(\.name))
            let alerts = current.firingAlerts
                .sorted { $0.rule != $1.rule ? $0.rule < $1.rule : $0.labels < $1.labels }
                .map { AlertJSON.encode(firing: $0, gate: gating.contains($0.rule)) }
            return Responses.json(.ok, "[" + alerts.joined(separator: ",") + "]")
        }
        router.get("/api/v1/openapi.json") { _, _ -> Response in
            Responses.json(.ok, OpenAPIDocument.json)
        }
        router.get("/api/v1/silences") { _, _ -> Response in
            respond(await silences.list())
        }
        router.post("/api/v1/silences") { request, _ -> Response in
            if let refusal = refuse(token.check(authorization: request.headers[.authorization])) { return refusal }
            let body = try await request.body.collect(upTo: 64 * 1024)
            return respond(await silences.create(Array(body.readableBytesView)))
        }
        router.delete("/api/v1/silences/:id") { request, context -> Response in
            if let refusal = refuse(token.check(authorization: request.headers[.authorization])) { return refusal }
            let id = context.parameters.get("id") ?? ""
            return respond(await silences.expire(id: id))
        }
    }

    private static func respond(_ result: SilenceResult) -> Response {
        Responses.json(HTTPResponse.Status(code: result.status), result.json)
    }

    /// The answer to a mutation that is not allowed, or nil when it is.
    static func refuse(_ verdict: BearerToken.Verdict) -> Response? {
        switch verdict {
        case .allowed:
            return nil
        case .disabled:
            return Responses.json(
                .forbidden,
                #"{"error":"mutating endpoints are disabled: set server.token (HEADROOM_SERVER_TOKEN) or server.token_file and send Authorization: Bearer <token>"}"#
            )
        case .unavailable:
            return Responses.json(
                .serviceUnavailable, #"{"error":"the server.token_file cannot be read or holds no valid token; nothing is allowed until it does"}"#)
        case .denied:
            var response = Responses.json(.unauthorized, #"{"error":"missing or wrong bearer token"}"#)
            response.headers[.wwwAuthenticate] = #"Bearer realm="headroom""#
            return response
        }
    }
}
