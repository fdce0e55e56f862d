import Foundation
import HeadroomCore

/// A retry pass: which entries are due, what each channel may send, and how each attempt's
/// outcome is settled.
extension Outbox {
    /// One message to one channel: a notification alone, or the first of a digest.
    struct Attempt: Sendable, Hashable {
        var channel: String
        var entries: [OutboxEntry]
        var notification: AlertNotification
        var digest: [AlertNotification]?
        var idempotencyKey: String
        /// 1 for the first attempt of the entries.
        var number: Int

        var context: DeliveryContext {
            DeliveryContext(idempotencyKey: idempotencyKey, attempt: number, digest: digest ?? [])
        }
    }

    /// A pass in progress: the due entries by channel (snapshot at the start) and where the
    /// pass is.
    struct Pass: Sendable {
        var due: [(channel: String, entries: [OutboxEntry])]
        var channelIndex = 0
        /// Entries of the current channel still to send one by one.
        var queue: [OutboxEntry] = []
        /// The entry attempted last in the current channel (back in `pending` = retryable).
        var last: String?
    }

    /// Starts a pass: expires entries past their deadline and collects, oldest first, what
    /// is due (or everything, with `force`), never past an earlier entry of the same stream
    /// that is not due.
    mutating func beginPass(at now: Date, force: Bool) -> (Pass, [Action]) {
        var blocked: Set<String> = []
        var due: [(channel: String, entries: [OutboxEntry])] = []
        var actions: [Action] = []
        for entry in pending {
            if blocked.contains(entry.streamKey) { continue }
            if now >= entry.deadline {
                pending.removeAll { $0.id == entry.id }
                count(entry.channel, "expired")
                actions.append(.expired(entry))
                continue
            }
            guard force || entry.notBefore <= now else {
                blocked.insert(entry.streamKey)
                continue
            }
            if let index = due.firstIndex(where: { $0.channel == entry.channel }) {
                due[index].entries.append(entry)
            } else {
                due.append((entry.channel, [entry]))
            }
        }
        return (Pass(due: due), actions)
    }

    /// The next attempt of `pass`, or nil when the pass is over. A channel over its rate
    /// budget (or with a group of first attempts) sends one digest; one with no budget left
    /// waits; one whose last attempt failed retryably is left alone for the rest of the pass.
    mutating func nextAttempt(in pass: inout Pass, channels: [ChannelConfiguration], at now: Date) -> Attempt? {
        while true {
            if let last = pass.last, pending.contains(where: { $0.id == last }) { pass.queue = [] }
            pass.last = nil
            if !pass.queue.isEmpty, let channel = pass.queue.first?.channel {
                let entry = pass.queue.removeFirst()
                guard let notification = entry.notification else { continue }
                budgets[channel]?.record(at: now)
                pending.removeAll { $0.id == entry.id }
                pass.last = entry.id
                return attempt(channel, [entry], notification, digest: nil, key: entry.idempotencyKey)
            }
            guard pass.channelIndex < pass.due.count else { return nil }
            let (channel, entries) = pass.due[pass.channelIndex]
            pass.channelIndex += 1
            guard let configuration = channels.first(where: { $0.name == channel }) else { continue }
            var budget = budgets[channel] ?? RateBudget(limits: configuration.settings.rateLimits)
            let available = budget.available(at: now)
            if available == 0 { continue }
            let grouped = settings.groupWindow > .zero && entries.count > 1 && entries.allSatisfy { $0.attempts == 0 }
            if !budget.limits.isEmpty { budgetsChanged = true }
            guard entries.count > available || grouped else {
                budgets[channel] = budget
                pass.queue = entries
                continue
            }
            budget.record(at: now)
            budgets[channel] = budget
            let notifications = entries.compactMap(\.notification)
            guard let first = notifications.first else { continue }
            let key = "digest-" + HMACSHA256.hex(Array(HMACSHA256.mac(key: "digest", message: entries.map(\.idempotencyKey).joined(separator: "\n")).prefix(8)))
            statistics[channel, default: .init()].digests += 1
            let ids = Set(entries.map(\.id))
            pending.removeAll { ids.contains($0.id) }
            return attempt(channel, entries, first, digest: notifications, key: key)
        }
    }

    private mutating func attempt(
        _ channel: String, _ entries: [OutboxEntry], _ notification: AlertNotification, digest: [AlertNotification]?, key: String
    ) -> Attempt {
        statistics[channel, default: .init()].attempts += 1
        let number = (entries.map(\.attempts).max() ?? 0) + 1
        return Attempt(
            channel: channel, entries: entries, notification: notification, digest: digest, idempotencyKey: key, number: number)
    }

    /// Settles `attempt` by its outcome — the one place delivery results are classified:
    /// delivered entries leave the outbox; a retryable failure reschedules each entry with
    /// the backoff (never past its deadline); a permanent one drops them.
    mutating func settle(_ attempt: Attempt, outcome: Result<Void, DeliveryError>, at now: Date, jitter: Double) -> [Action] {
        let channel = attempt.channel
        switch outcome {
        case .success:
            statistics[channel, default: .init()].successes += 1
            for delivered in attempt.digest ?? [attempt.notification] { noteDelivered(delivered, channel: channel) }
            return attempt.entries.map(Action.remove) + [.delivered(attempt)]
        case .failure(.retryable(let reason)):
            statistics[channel, default: .init()].failures += 1
            count(channel, "retryable")
            let delay = settings.retry.delay(afterFailures: attempt.number, jitter: jitter)
            var actions: [Action] = [.retry(attempt, reason: reason, delay: delay)]
            for var entry in attempt.entries {
                entry.attempts += 1
                entry.lastError = reason
                entry.notBefore = min(now.addingTimeInterval(delay.headroomSeconds), entry.deadline)
                actions.append(.persist(entry))
                actions += insert(entry)
            }
            return actions
        case .failure(.permanent(let reason)):
            statistics[channel, default: .init()].failures += 1
            count(channel, "permanent")
            return attempt.entries.map(Action.remove) + [.failedPermanently(attempt, reason: reason)]
        }
    }
}
