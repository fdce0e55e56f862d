import Hummingbird
import NIOCore

/// Small response builders shared by the routes.
enum Responses {
    static func text(_ status: HTTPResponse.Status, _ body: String, contentType: String) -> Response {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        text(status, body, contentType: "application/json; charset=utf-8")
    }
}
