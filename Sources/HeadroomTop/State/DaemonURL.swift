import Foundation
public import HeadroomCore

/// The base URL `headroom top` reads when `--url` is not given, and the check of one that is.
public enum DaemonURL {
    /// The API on the configured listen address, reached over loopback when the daemon
    /// listens on every interface: `0.0.0.0:19400` → `http://127.0.0.1:19400`, `[::]:19400`
    /// → `http://[::1]:19400`; `https` when the server has TLS.
    public static func from(listen: ListenAddress, https: Bool) -> String {
        var host = listen.host
        if host == "0.0.0.0" || host.isEmpty { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        return (https ? "https://" : "http://") + ListenAddress(host: host, port: listen.port).description
    }

    /// Nil when `text` is an `http` or `https` URL with a host; else the message for `--url`.
    public static func problem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host, !host.isEmpty
        else {
            return "--url \"\(text)\" is not an http(s) URL; give the daemon's address, e.g. --url http://127.0.0.1:19400"
        }
        return nil
    }
}
