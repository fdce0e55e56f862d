import Foundation
import HeadroomNotify

/// A minimal HTTP/1.1 client for `http://` push targets: one request per connection, on a
/// thread of its own (a slow server never blocks the async pool), bounded by the timeout.
/// For https, push through a local agent or TLS-terminating proxy.
///
/// Why not the channels' `LiveHTTPTransport` (AsyncHTTPClient): its connection pool backs
/// off new connections to a host that refused one (100 ms × 1.25ⁿ, up to 60 s) while
/// requests wait, so a refused connect surfaces only as the push timeout, and after an
/// outage pushes resume up to a minute after the server is back. Pushes every interval
/// need the refusal at once and the first request after recovery to connect (tried on
/// 2026-12-04: `Push to VictoriaMetrics` then failed to recover within 40 s).
struct PlainHTTPTransport: PushTransport {
    struct TransportError: Error, CustomStringConvertible {
        var description: String
    }

    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            DetachedThread.start(name: "headroom-push") {
                continuation.resume(with: Result { try Self.blockingPost(url: url, headers: headers, body: body, timeout: timeout) })
            }
        }
    }

    static func blockingPost(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) throws -> Int {
        guard url.hasPrefix("http://") else { throw TransportError(description: "only http:// URLs are supported, got \(url)") }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        var host = String(authority)
        var port = "80"
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }
        // An IPv6 literal: [::1] → ::1.
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }

        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &list) == 0, let first = list else {
            throw TransportError(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw TransportError(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let seconds = timeout.components.seconds
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            throw TransportError(description: "connect \(authority): \(String(cString: strerror(errno)))")
        }
        var head = "POST \(path.isEmpty ? "/" : String(path)) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n"
        head += "Content-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try send(fd, Array(head.utf8) + body)
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !response.contains(UInt8(ascii: "\n")) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw TransportError(description: "no response from \(authority)") }
            response += buffer[0..<count]
        }
        let statusLine = String(decoding: response.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw TransportError(description: "not an HTTP response from \(authority): \(statusLine)")
        }
        return status
    }

    private static func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw TransportError(description: "send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }
}
