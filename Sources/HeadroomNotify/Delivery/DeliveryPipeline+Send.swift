import Foundation
import HeadroomCore
import Logging

/// Attempts: one notification or a digest, settled by the outcome; expiry and failure counts.
extension DeliveryPipeline {
    /// One message for `entries` of one channel; each entry is settled by its outcome.
    func attemptDigest(_ route: Route, _ entries: [OutboxEntry], at now: Date) async {
        let notifications = entries.compactMap(\.notification)
        guard let first = notifications.first else { return }
        let key = "digest-" + HMACSHA256.hex(Array(HMACSHA256.mac(key: "digest", message: entries.map(\.idempotencyKey).joined(separator: "\n")).prefix(8)))
        statistics[route.configuration.name, default: ChannelStatistics()].digests += 1
        let ids = Set(entries.map(\.id))
        pending.removeAll { ids.contains($0.id) }
        await send(route, entries, first, digest: notifications, key: key, at: now)
    }

    /// Sends `notification` (alone, or as the first of a `digest`) and settles `entries` by
    /// the outcome — the one place delivery results are classified: delivered entries leave
    /// the outbox; a retryable failure reschedules each entry with the backoff (never past
    /// its deadline); a permanent one drops them and says to fix the channel.
    func send(
        _ route: Route, _ entries: [OutboxEntry], _ notification: AlertNotification,
        digest: [AlertNotification]?, key: String, at now: Date
    ) async {
        let channel = route.configuration.name
        let attempt = (entries.map(\.attempts).max() ?? 0) + 1
        let what = digest == nil ? "delivery" : "digest delivery"
        var metadata: Logger.Metadata = ["channel": "\(channel)"]
        if digest != nil { metadata["notifications"] = "\(entries.count)" } else { metadata["rule"] = "\(notification.alert.rule)" }
        statistics[channel, default: ChannelStatistics()].attempts += 1
        do {
            try await route.notifier.deliver(notification, context: DeliveryContext(idempotencyKey: key, attempt: attempt, digest: digest ?? []))
            statistics[channel, default: ChannelStatistics()].successes += 1
            for delivered in digest ?? [notification] { noteDelivered(delivered, channel: channel) }
            for entry in entries { removeFromDisk(entry) }
            if digest != nil {
                logger.info("over the channel's rate limit: sent one digest", metadata: metadata)
            } else if attempt > 1 {
                metadata["attempts"] = "\(attempt)"
                logger.info("delivered after retrying", metadata: metadata)
            }
        } catch {
            statistics[channel, default: ChannelStatistics()].failures += 1
            switch error {
            case .retryable(let reason):
                count(channel, "retryable")
                let delay = settings.retry.delay(afterFailures: attempt, jitter: jitter())
                metadata["reason"] = "\(reason)"
                metadata["retry_in"] = "\(delay.headroomDescription)"
                if digest == nil { metadata["attempts"] = "\(attempt)" }
                logger.warning("\(what) failed; will retry", metadata: metadata)
                for var entry in entries {
                    entry.attempts += 1
                    entry.lastError = reason
                    entry.notBefore = min(now.addingTimeInterval(delay.headroomSeconds), entry.deadline)
                    persist(entry)
                    enqueue(entry)
                }
            case .permanent(let reason):
                count(channel, "permanent")
                for entry in entries { removeFromDisk(entry) }
                metadata["reason"] = "\(reason)"
                logger.error("\(what) failed permanently; fix the channel configuration", metadata: metadata)
            }
        }
    }

    func expire(_ entry: OutboxEntry) {
        count(entry.channel, "expired")
        removeFromDisk(entry)
        logger.error(
            "gave up delivering a notification: its deadline passed",
            metadata: [
                "channel": "\(entry.channel)", "rule": "\(entry.stored.rule)", "attempts": "\(entry.attempts)",
                "last_error": "\(entry.lastError ?? "none")",
            ])
    }

    func count(_ channel: String, _ reason: String) {
        statistics[channel, default: ChannelStatistics()].failuresByReason[reason, default: 0] += 1
    }
}
