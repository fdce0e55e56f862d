/// Where the HTTP server listens: `host:port`, `[v6]:port`, or `:port` (all interfaces).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// Headroom's default port. The Prometheus default-port list gives every port of
    /// 9100–9999 to some exporter; 19400 is outside it (and echoes dcgm-exporter's 9400).
    public static let defaultPort = 19400
    /// Loopback on the default port.
    public static let `default` = ListenAddress(host: "127.0.0.1", port: defaultPort)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:19400`, `[::1]:19400`, `:19400`, `0.0.0.0:0` (0 asks the system for a free port).
    public static func parse(_ text: String) -> ListenAddress? {
        let trimmed = text.trimmingCharacters(in: " \t")
        guard let colon = trimmed.lastIndex(of: ":") else { return nil }
        var host = String(trimmed[..<colon])
        guard let port = Int(trimmed[trimmed.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        guard !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        if host.contains(":") && !text.contains("[") { return nil }
        return ListenAddress(host: host, port: port)
    }

    /// True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
