import Foundation
import HeadroomCore

/// The delivery pipeline's decisions, with no I/O and no clock: the pending entries in
/// stream order, rate budgets, delivered firings, the sequence and the counters.
///
/// Its mutating methods return `Action`s the driver (`DeliveryPipeline`) performs: disk
/// writes and removals, log lines, attempts. Time and jitter are parameters, so every
/// decision can be replayed in a test.
struct Outbox: Sendable {
    /// What the driver does for the state machine.
    enum Action: Sendable, Hashable {
        /// Queue a durable write of the entry.
        case persist(OutboxEntry)
        /// Queue the removal of the entry's file.
        case remove(OutboxEntry)
        /// The entry's deadline passed: remove it and say so.
        case expired(OutboxEntry)
        /// A full retry queue pushed the entry out: remove it and say so.
        case dropped(OutboxEntry)
        /// A silence held a notification back from a channel.
        case silenced(channel: String, AlertNotification)
        /// The channel confirmed the attempt.
        case delivered(Attempt)
        /// The attempt failed and its entries wait `delay` (already rescheduled).
        case retry(Attempt, reason: String, delay: Duration)
        /// The attempt failed for good; its entries are gone.
        case failedPermanently(Attempt, reason: String)
    }

    var pending: [OutboxEntry] = []
    var sequence = 0
    var budgets: [String: RateBudget] = [:]
    /// Channel + alert fingerprint of every firing delivered and not yet resolved.
    var deliveredFirings: Set<String> = []
    var deliveredFiringsChanged = false
    var budgetsChanged = false
    var statistics: [String: DeliveryPipeline.ChannelStatistics] = [:]
    let settings: DeliverySettings
    let maximumPending: Int

    init(settings: DeliverySettings, maximumPending: Int) {
        self.settings = settings
        self.maximumPending = maximumPending
    }

    /// When the next pending entry may be attempted or expires.
    var nextAttemptDate: Date? {
        pending.lazy.map { min($0.notBefore, $0.deadline) }.min()
    }

    /// Creates an entry for each notification and channel that accepts it (silences
    /// applied, group windows opened or joined) and queues it.
    mutating func enqueue(
        _ notifications: [AlertNotification], channels: [ChannelConfiguration], silences: [Silence], at now: Date
    ) -> [Action] {
        var actions: [Action] = []
        for notification in notifications {
            for channel in channels where DeliveryPipeline.accepts(channel, notification) {
                if isSilenced(notification, channel: channel.name, silences: silences, at: now) {
                    statistics[channel.name, default: .init()].silenced += 1
                    actions.append(.silenced(channel: channel.name, notification))
                    continue
                }
                sequence += 1
                let deadline = now.addingTimeInterval(settings.deadline(for: notification.alert.severity).headroomSeconds)
                var entry = OutboxEntry(
                    channel: channel.name, notification: notification, createdAt: now, deadline: deadline, sequence: sequence)
                if settings.groupWindow > .zero {
                    // Join the open group of this channel, or open one.
                    let open = pending.filter { $0.channel == entry.channel && $0.attempts == 0 && $0.notBefore > now }.map(\.notBefore).min()
                    entry.notBefore = open ?? now.addingTimeInterval(settings.groupWindow.headroomSeconds)
                }
                actions.append(.persist(entry))
                actions += insert(entry)
            }
        }
        return actions
    }

    /// Adds `entry` to the retry queue in stream order; a full queue drops its oldest entry.
    mutating func insert(_ entry: OutboxEntry) -> [Action] {
        var actions: [Action] = []
        if pending.count >= maximumPending, let oldest = pending.first {
            pending.removeFirst()
            statistics[oldest.channel, default: .init()].dropped += 1
            count(oldest.channel, "dropped")
            actions.append(.dropped(oldest))
        }
        if let last = pending.last, OutboxEntry.ordered(entry, last) {
            let index = pending.firstIndex { OutboxEntry.ordered(entry, $0) } ?? pending.endIndex
            pending.insert(entry, at: index)
        } else {
            pending.append(entry)
        }
        return actions
    }

    /// Keeps the entries of `channels`; returns the removed ones.
    mutating func retain(channels names: Set<String>) -> [OutboxEntry] {
        let removed = pending.filter { !names.contains($0.channel) }
        pending.removeAll { !names.contains($0.channel) }
        return removed
    }

    /// Takes over what a previous run left; returns the entries of channels no longer
    /// configured (to remove).
    mutating func recover(
        _ entries: [OutboxEntry], deliveredFirings firings: Set<String>, sendTimes: [String: [Date]],
        channels: [ChannelConfiguration]
    ) -> [OutboxEntry] {
        deliveredFirings.formUnion(firings)
        for (name, sent) in sendTimes {
            guard let channel = channels.first(where: { $0.name == name }) else { continue }
            budgets[name] = RateBudget(limits: channel.settings.rateLimits, sent: sent)
        }
        let names = Set(channels.map(\.name))
        var orphans: [OutboxEntry] = []
        for entry in entries {
            if names.contains(entry.channel) {
                if !pending.contains(where: { $0.id == entry.id }) { pending.append(entry) }
            } else {
                orphans.append(entry)
            }
        }
        pending.sort(by: OutboxEntry.ordered)
        return orphans
    }

    /// Whether a silence holds `notification` back from `channel`. A resolved one is let
    /// through when its firing was delivered or is still pending (unless configured off).
    func isSilenced(_ notification: AlertNotification, channel: String, silences: [Silence], at now: Date) -> Bool {
        guard silences.contains(where: { $0.silences(notification, at: now) }) else { return false }
        guard notification.kind == .resolved, settings.resolvedAfterSilence else { return true }
        let firingPending = pending.contains {
            $0.channel == channel && $0.stored.rule == notification.alert.rule
                && $0.notification?.alert.fingerprint == notification.alert.fingerprint
        }
        return !(wasDelivered(notification, channel: channel) || firingPending)
    }

    /// Whether `channel` confirmed the firing of `notification`'s alert and no resolved since.
    func wasDelivered(_ notification: AlertNotification, channel: String) -> Bool {
        deliveredFirings.contains(channel + "\n" + notification.alert.fingerprint)
    }

    mutating func noteDelivered(_ notification: AlertNotification, channel: String) {
        let key = channel + "\n" + notification.alert.fingerprint
        if notification.kind == .resolved {
            deliveredFiringsChanged = deliveredFirings.remove(key) != nil || deliveredFiringsChanged
        } else {
            deliveredFiringsChanged = deliveredFirings.insert(key).inserted || deliveredFiringsChanged
        }
    }

    mutating func count(_ channel: String, _ reason: String) {
        statistics[channel, default: .init()].failuresByReason[reason, default: 0] += 1
    }
}
