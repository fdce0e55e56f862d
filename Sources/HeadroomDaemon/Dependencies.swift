import Foundation
public import HeadroomCollectors
public import HeadroomNotify

/// Everything the daemon touches outside itself, in one value: tests build one field by field.
public struct Dependencies: Sendable {
    /// Wall time for stamping samples and notifications; monotonic time and alarms for the
    /// sampling grid, collector budgets, delivery retries and push backoff.
    public var clock: any DaemonClock
    /// Opens the host's files under a root directory.
    public var makeFiles: @Sendable (String) -> any SystemFiles
    /// The process environment (for NO_COLOR and friends); never read with getenv below the executable.
    public var environment: [String: String]
    /// The host name notifications carry when the configuration gives none.
    public var hostname: String
    /// Builds the notifier of one channel.
    public var makeNotifier: @Sendable (ChannelConfiguration) -> any Notifier
    /// Overrides the collector catalog (tests); nil uses the built-in collectors.
    public var collectors: (@Sendable (CollectorSettings) -> [any Collector])?
    /// The state directory (outbox, silences) for the delivery settings; nil keeps pending
    /// notifications in memory and uses no silences.
    public var stateDirectory: (@Sendable (DeliverySettings) -> String)?
    /// Whether the daemon unmaps the pages it touched only while starting, a few rounds after
    /// start and each reload (`StartupPages`). Off by default: in a test the process is the
    /// test runner, whose pages are not the daemon's to drop.
    public var releasesStartupPages: Bool

    public init(
        clock: any DaemonClock,
        makeFiles: @escaping @Sendable (String) -> any SystemFiles,
        environment: [String: String],
        hostname: String,
        makeNotifier: @escaping @Sendable (ChannelConfiguration) -> any Notifier,
        collectors: (@Sendable (CollectorSettings) -> [any Collector])? = nil,
        stateDirectory: (@Sendable (DeliverySettings) -> String)? = nil,
        releasesStartupPages: Bool = false
    ) {
        self.stateDirectory = stateDirectory
        self.releasesStartupPages = releasesStartupPages
        self.clock = clock
        self.makeFiles = makeFiles
        self.environment = environment
        self.hostname = hostname
        self.makeNotifier = makeNotifier
        self.collectors = collectors
    }

    /// The real host, the real clock, the real channels.
    public static func live(environment: [String: String]) -> Dependencies {
        Dependencies(
            clock: SystemClock(),
            makeFiles: { RootedSystemFiles(root: $0) },
            environment: environment,
            hostname: ProcessInfo.processInfo.hostName,
            makeNotifier: { ChannelCatalog.make($0, environment: environment) },
            stateDirectory: { settings in
                StateDirectory.resolve(configured: settings.stateDirectory, environment: environment, isRoot: getuid() == 0)
            },
            releasesStartupPages: true
        )
    }
}
