/// Where the daemon keeps its durable state (outbox, silences) (pure).
public enum StateDirectory {
    /// The configured directory, else `/var/lib/headroom` for root, else
    /// `$XDG_STATE_HOME/headroom`, else `$HOME/.local/state/headroom`.
    public static func resolve(configured: String?, environment: [String: String], isRoot: Bool) -> String {
        if let configured, !configured.isEmpty { return configured }
        if isRoot { return "/var/lib/headroom" }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/headroom" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return home + "/.local/state/headroom"
    }
}
