#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// One thing that happened, as the history keeps it: an alert changed state, a notification
/// reached (or failed to reach) a channel, or an incident — the events the rules exist to
/// warn of — occurred. Flat on purpose: one row of the history's `events` table, one object
/// of `/api/v1/alerts/history`.
public struct HistoryEvent: Sendable, Hashable {
    public enum Category: String, Sendable, Hashable, CaseIterable {
        /// `kind` is an `AlertChange`.
        case alert
        /// `kind` is the notification's kind (`firing`, `repeat`, `resolved`, `flapping`);
        /// `channel` and `outcome` say where it went and what became of it.
        case notification
        /// `kind` is an `Incident`.
        case incident
    }

    /// An alert's state change.
    public enum AlertChange: String, Sendable, Hashable, CaseIterable {
        case pending, cancelled, firing, resolved
    }

    /// What became of one notification on one channel.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// The channel confirmed it.
        case delivered
        /// It failed and waits for a retry.
        case retrying
        /// It failed for good (the channel refused it).
        case failed
        /// Its deadline passed before a delivery.
        case expired
        /// A full outbox pushed it out.
        case dropped
        /// A silence held it back.
        case silenced
    }

    /// The events a rule exists to warn of.
    public enum Incident: String, Sendable, Hashable, CaseIterable {
        /// The kernel's OOM killer killed a process of the container (`container_oom_kills_total` rose).
        case containerOOMKill = "container_oom_kill"
        /// The supervised child ended with a failure (`child_crashes_total` rose).
        case childCrashed = "child_crashed"
        /// A GPU stopped answering the driver (`gpu_up` fell to 0).
        case gpuLost = "gpu_lost"
        /// A GPU reported a hardware-class Xid (`gpu_xid_errors_total{class="hardware"}` rose).
        case gpuXid = "gpu_xid"
        /// The supervised child wrote `CUDA out of memory` or `CUDA error: out of memory`
        /// (`child_cuda_oom_total` rose).
        case cudaOutOfMemory = "cuda_oom"
    }

    public var time: Date
    public var category: Category
    /// The change, the notification kind or the incident, by its raw value.
    public var kind: String
    /// The rule of an alert or notification; nil for an incident.
    public var rule: String?
    public var severity: Severity?
    /// The alert's series labels, or the incident's.
    public var labels: Labels
    /// The channel of a notification.
    public var channel: String?
    /// What became of a notification.
    public var outcome: Outcome?
    /// The alert's detail, the failure's reason, or what the incident said.
    public var detail: String

    public init(
        time: Date, category: Category, kind: String, rule: String? = nil, severity: Severity? = nil, labels: Labels = .none,
        channel: String? = nil, outcome: Outcome? = nil, detail: String = ""
    ) {
        self.time = time
        self.category = category
        self.kind = kind
        self.rule = rule
        self.severity = severity
        self.labels = labels
        self.channel = channel
        self.outcome = outcome
        self.detail = detail
    }

    /// An incident event.
    public static func incident(_ incident: Incident, at time: Date, labels: Labels, detail: String) -> HistoryEvent {
        HistoryEvent(time: time, category: .incident, kind: incident.rawValue, labels: labels, detail: detail)
    }

    /// A notification's outcome on `channel`.
    public static func notification(
        _ notification: AlertNotification, channel: String, outcome: Outcome, at time: Date, reason: String = ""
    ) -> HistoryEvent {
        HistoryEvent(
            time: time, category: .notification, kind: notification.kind.rawValue, rule: notification.alert.rule,
            severity: notification.alert.severity, labels: notification.alert.labels, channel: channel, outcome: outcome,
            detail: reason)
    }
}
