import HeadroomDashboard
import Hummingbird
import NIOCore

/// `GET /` (the dashboard page) and `GET /assets/<file>` (its script, style and chart
/// library), from the files embedded in the binary. Read-only like the rest of the API; the
/// page asks for the token only to silence. Nothing on the page is fetched from elsewhere, and
/// the Content-Security-Policy says so to the browser.
enum DashboardRoutes {
    /// Only this origin: no CDN, no inline script; dygraphs sets element styles, hence
    /// `style-src 'unsafe-inline'`.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// `Referrer-Policy`, which HTTPTypes names no constant for (a valid token: never nil).
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy") ?? .cacheControl

    static func add(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ -> Response in
            serve(DashboardAssets.page, request: request)
        }
        // Browsers ask for /favicon.ico on their own (an error in the console when it is 404).
        router.get("/favicon.ico") { request, _ -> Response in
            serve(named: "icon.svg", request: request)
        }
        router.get("/assets/:file") { request, context -> Response in
            serve(named: context.parameters.get("file") ?? "", request: request)
        }
    }

    static func serve(named name: String, request: Request) -> Response {
        guard let asset = DashboardAssets.asset(named: name) else {
            return Responses.text(.notFound, "no such asset\n", contentType: "text/plain; charset=utf-8")
        }
        return serve(asset, request: request)
    }

    /// The asset, or 304 when the browser holds this version (`If-None-Match`). Browsers
    /// revalidate every load (`no-cache`), so a new binary's page is never stale.
    static func serve(_ asset: DashboardAssets.Asset, request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .cacheControl: "no-cache",
            .eTag: asset.etag,
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            referrerPolicy: "no-referrer",
        ]
        if let held = request.headers[.ifNoneMatch], held.split(separator: ",").contains(where: { $0.trimmingSpaces == asset.etag }) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
