import HeadroomNotify

/// What a reload (SIGHUP) applies, and what waits for a restart.
///
/// A reload swaps the rules, the alerting policy, the channels, the interval and the
/// collectors. The other sections are bound to what the process set up at start (the log's
/// handler, the state directory's lock and outbox, the listening socket, the push buffer, the
/// history's file and thread, the host name stamped on every notification): a reload keeps
/// the running ones, and the daemon says which of them the file changed.
extension HeadroomConfiguration {
    /// The YAML keys of the sections that differ in `next` and apply only at restart.
    public func restartOnlyChanges(in next: HeadroomConfiguration) -> [String] {
        var keys: [String] = []
        if hostname != next.hostname { keys.append("hostname") }
        if log != next.log { keys.append("log") }
        if delivery.stateDirectory != next.delivery.stateDirectory { keys.append("state_dir") }
        var (running, wanted) = (delivery, next.delivery)
        (running.stateDirectory, wanted.stateDirectory) = (nil, nil)
        if running != wanted { keys.append("delivery") }
        if server != next.server { keys.append("server") }
        if push != next.push { keys.append("push") }
        if history != next.history { keys.append("history") }
        return keys
    }

    /// What runs after a reload to `next`: its reloadable sections, this configuration's others
    /// (so the next reload still names a restart-only change that has not been applied).
    public func reloaded(to next: HeadroomConfiguration) -> HeadroomConfiguration {
        var running = next
        running.hostname = hostname
        running.log = log
        running.delivery = delivery
        running.server = server
        running.push = push
        running.history = history
        return running
    }
}
