public import HeadroomCore
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Checks before anything starts that the server's address can be bound, so a taken port
/// is one clear line at start rather than a crash after sampling began. The socket is
/// bound and closed at once (with `SO_REUSEADDR`, as the server binds); the server itself
/// maps a bind error that slips in between to the same message.
public enum ListenProbe {
    /// Nil when `listen` can be bound now; otherwise the message naming the address, the
    /// key that moves it, the likely cause and the ways out.
    public static func problem(binding listen: ListenAddress) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(listen.host, String(listen.port), &hints, &results)
        guard status == 0, let first = results else {
            return "cannot listen on \(listen) (server.listen, HEADROOM_SERVER_LISTEN): cannot resolve \"\(listen.host)\": "
                + String(cString: gai_strerror(status)) + "; use an IP address such as 127.0.0.1"
        }
        defer { freeaddrinfo(results) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil } // No socket at all: let the server report it.
        defer { close(descriptor) }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            return message(listen, errno: errno)
        }
        return nil
    }

    /// The one wording of a bind failure, for the check at start and for the server.
    public static func message(_ listen: ListenAddress, errno code: Int32) -> String {
        let head = "cannot listen on \(listen) (server.listen, HEADROOM_SERVER_LISTEN): \(String(cString: strerror(code)))"
        switch code {
        case EADDRINUSE:
            return head + "; another Headroom or an exporter probably runs there: stop it, move this one "
                + "(server.listen: 127.0.0.1:0 takes any free port), or turn the server off (server.enabled: false)"
        case EACCES:
            return head + "; ports below 1024 need root or CAP_NET_BIND_SERVICE: pick a port of 1024 or above"
        case EADDRNOTAVAIL:
            return head + "; \(listen.host) is not an address of this host: use 127.0.0.1, one of the host's addresses, or 0.0.0.0"
        default:
            return head + "; pick another address, or turn the server off (server.enabled: false)"
        }
    }
}
