import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One TCP connect to the URL's host and port, bounded by a timeout: after a failed request,
/// says why in a few words ("connection refused", "cannot resolve …") rather than as the HTTP
/// client's error.
enum ConnectProbe {
    /// Nil when something accepted the connection; else why not, in a few words.
    static func problem(url: String, timeout: Duration = .milliseconds(500)) -> String? {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            return "--url \"\(url)\" is not a URL such as http://127.0.0.1:19400"
        }
        let port = components.port ?? (components.scheme == "https" ? 443 : 80)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else { return "cannot resolve \(host): " + String(cString: gai_strerror(status)) }
        defer { freeaddrinfo(results) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { return "cannot open a socket: " + String(cString: strerror(errno)) }
        defer { close(descriptor) }
        if connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)).lowercased() }
        var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&waiting, 1, milliseconds) == 1 else { return "no answer within \(milliseconds) ms" }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
        return code == 0 ? nil : String(cString: strerror(code)).lowercased()
    }
}
