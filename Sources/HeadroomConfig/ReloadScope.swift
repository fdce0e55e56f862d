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
        Self.restartOnly.filter { $0.differs(self, next) }.map(\.key)
    }

    /// What runs after a reload to `next`: its reloadable sections, this configuration's others
    /// (so the next reload still names a restart-only change that has not been applied).
    public func reloaded(to next: HeadroomConfiguration) -> HeadroomConfiguration {
        var running = next
        for section in Self.restartOnly { section.keep(&running, self) }
        return running
    }

    /// A restart-only section: its YAML key, whether two configurations differ in it, and how
    /// to put one configuration's value into another.
    private struct Section: Sendable {
        let key: String
        let differs: @Sendable (HeadroomConfiguration, HeadroomConfiguration) -> Bool
        let keep: @Sendable (inout HeadroomConfiguration, HeadroomConfiguration) -> Void

        init<Value: Equatable & Sendable>(_ key: String, _ path: any WritableKeyPath<HeadroomConfiguration, Value> & Sendable) {
            self.key = key
            differs = { $0[keyPath: path] != $1[keyPath: path] }
            keep = { $0[keyPath: path] = $1[keyPath: path] }
        }
    }

    /// In file order. `delivery` is compared without its state directory, which `state_dir`
    /// names on its own.
    private static let restartOnly: [Section] = [
        Section("hostname", \.hostname),
        Section("log", \.log),
        Section("state_dir", \.delivery.stateDirectory),
        Section("delivery", \.deliveryOutsideStateDirectory),
        Section("server", \.server),
        Section("push", \.push),
        Section("history", \.history),
    ]

    /// `delivery` less `stateDirectory` (a section of its own in the YAML).
    private var deliveryOutsideStateDirectory: DeliverySettings {
        get {
            var settings = delivery
            settings.stateDirectory = nil
            return settings
        }
        set {
            let directory = delivery.stateDirectory
            delivery = newValue
            delivery.stateDirectory = directory
        }
    }
}
