public import HeadroomCore
#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What the server shows, read from the daemon after its latest round. The server never
/// collects: every page is a function of this value.
public struct ServerState: Sendable {
    /// The latest round's samples (raw, derived, collector health); empty before the first.
    public var samples: [Sample]
    /// The latest round's collector reports.
    public var collectors: [CollectorReport]
    /// When the latest round was taken (nil before the first).
    public var sampleTime: Date?
    /// Alerts firing now.
    public var firingAlerts: [Alert]
    /// The rules in force (their `gate` flags decide readiness).
    public var rules: [AlertRule]
    /// The host name pages carry.
    public var hostname: String
    /// The sampling interval (liveness allows three of them between rounds).
    public var interval: Duration
    /// When the daemon started.
    public var startedAt: Date
    /// Now, by the daemon's clock.
    public var now: Date
    /// Families about the daemon process itself (RSS, CPU seconds …).
    public var selfFamilies: [MetricFamily]

    public init(
        samples: [Sample], collectors: [CollectorReport], sampleTime: Date?, firingAlerts: [Alert], rules: [AlertRule],
        hostname: String, interval: Duration, startedAt: Date, now: Date, selfFamilies: [MetricFamily] = []
    ) {
        self.samples = samples
        self.collectors = collectors
        self.sampleTime = sampleTime
        self.firingAlerts = firingAlerts
        self.rules = rules
        self.hostname = hostname
        self.interval = interval
        self.startedAt = startedAt
        self.now = now
        self.selfFamilies = selfFamilies
    }
}

/// The server's only view of the daemon.
public protocol StateReader: Sendable {
    /// The state after the latest round. Must not trigger a collection.
    func read() async -> ServerState
}
