#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// How one collector fared in one sampling round.
public enum CollectorOutcome: Sendable, Hashable {
    /// Returned its samples within its time budget.
    case ok
    /// The resource does not exist here (no PSI, no cgroup limits, no GPU); not an error.
    case unavailable(reason: String)
    /// Threw, or returned garbage: its metrics are absent from this snapshot.
    case failed(reason: String)
    /// Did not answer within its time budget: its metrics are absent from this snapshot.
    case timedOut(budget: Duration)
    /// Skipped because the previous call has still not returned (a hung read).
    case stillBusy
}

/// What one collector did during one sampling round.
public struct CollectorReport: Sendable, Hashable {
    public var collector: String
    public var outcome: CollectorOutcome
    /// Wall time the collector took (up to its budget when it timed out).
    public var duration: Duration

    public init(collector: String, outcome: CollectorOutcome, duration: Duration) {
        self.collector = collector
        self.outcome = outcome
        self.duration = duration
    }

    /// True when the collector's failure should raise the built-in `collector_failed` alert.
    public var isFailure: Bool {
        switch outcome {
        case .ok, .unavailable: false
        case .failed, .timedOut, .stillBusy: true
        }
    }

    /// True when the collector did not answer in time, or is still stuck in an earlier call
    /// (a hung driver call): the built-in `collector_stalled` alert.
    public var isStall: Bool {
        switch outcome {
        case .timedOut, .stillBusy: true
        case .ok, .unavailable, .failed: false
        }
    }

    /// One sentence saying why the collector produced nothing, or nil when it succeeded.
    public var reason: String? {
        switch outcome {
        case .ok: nil
        case .unavailable(let reason), .failed(let reason): reason
        case .timedOut(let budget): "did not answer within its \(budget.headroomDescription) budget"
        case .stillBusy: "its previous read has still not returned (hung); skipped this round"
        }
    }
}

/// Everything read from the host in one sampling round, at one time.
public struct HostSnapshot: Sendable {
    /// Wall-clock time of the round (the same for every sample in it).
    public var time: Date
    /// Raw readings as the collectors returned them, counters included.
    public var samples: [Sample]
    /// One report per collector that ran.
    public var collectors: [CollectorReport]

    public init(time: Date, samples: [Sample], collectors: [CollectorReport] = []) {
        self.time = time
        self.samples = samples
        self.collectors = collectors
    }
}

extension Duration {
    /// The duration in whole nanoseconds, as the kernel's clocks and Dispatch's timeouts take it.
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Seconds as a Double.
    public var headroomSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Compact human text: `250ms`, `10s`, `5m`, `1h30m`.
    public var headroomDescription: String {
        let seconds = headroomSeconds
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        return HumanDuration.format(seconds: seconds)
    }
}
