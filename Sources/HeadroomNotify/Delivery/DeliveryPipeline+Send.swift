import Foundation
import HeadroomCore
import Logging

/// Performing what the outbox state machine decided: disk changes and log lines.
extension DeliveryPipeline {
    func perform(_ actions: [Outbox.Action], at now: Date) {
        if let recordEvents { recordEvents(Self.events(actions, at: now)) }
        for action in actions {
            switch action {
            case .persist(let entry):
                persist(entry)
            case .remove(let entry):
                removeFromDisk(entry)
            case .expired(let entry):
                removeFromDisk(entry)
                logger.error(
                    "gave up delivering a notification: its deadline passed",
                    metadata: [
                        "channel": "\(entry.channel)", "rule": "\(entry.stored.rule)", "attempts": "\(entry.attempts)",
                        "last_error": "\(entry.lastError ?? "none")",
                    ])
            case .dropped(let entry):
                removeFromDisk(entry)
                logger.error("retry queue full; dropped the oldest pending notification", metadata: ["channel": "\(entry.channel)"])
            case .silenced(let channel, let notification):
                logger.debug("silenced", metadata: ["channel": "\(channel)", "rule": "\(notification.alert.rule)"])
            case .delivered(let attempt):
                var metadata = Self.metadata(attempt)
                if attempt.digest != nil {
                    logger.info("over the channel's rate limit: sent one digest", metadata: metadata)
                } else if attempt.number > 1 {
                    metadata["attempts"] = "\(attempt.number)"
                    logger.info("delivered after retrying", metadata: metadata)
                }
            case .retry(let attempt, let reason, let delay):
                var metadata = Self.metadata(attempt)
                metadata["reason"] = "\(reason)"
                metadata["retry_in"] = "\(delay.headroomDescription)"
                if attempt.digest == nil { metadata["attempts"] = "\(attempt.number)" }
                logger.warning("\(Self.what(attempt)) failed; will retry", metadata: metadata)
            case .failedPermanently(let attempt, let reason):
                var metadata = Self.metadata(attempt)
                metadata["reason"] = "\(reason)"
                logger.error("\(Self.what(attempt)) failed permanently; fix the channel configuration", metadata: metadata)
            }
        }
    }

    /// What the history keeps of `actions`: each notification's outcome on its channel.
    static func events(_ actions: [Outbox.Action], at now: Date) -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        func add(_ entries: [OutboxEntry], _ outcome: HistoryEvent.Outcome, _ reason: String) {
            for entry in entries {
                guard let notification = entry.notification else { continue }
                events.append(.notification(notification, channel: entry.channel, outcome: outcome, at: now, reason: reason))
            }
        }
        for action in actions {
            switch action {
            case .persist, .remove: continue
            case .expired(let entry): add([entry], .expired, entry.lastError ?? "")
            case .dropped(let entry): add([entry], .dropped, "the outbox was full")
            case .silenced(let channel, let notification):
                events.append(.notification(notification, channel: channel, outcome: .silenced, at: now))
            case .delivered(let attempt): add(attempt.entries, .delivered, "")
            case .retry(let attempt, let reason, _): add(attempt.entries, .retrying, reason)
            case .failedPermanently(let attempt, let reason): add(attempt.entries, .failed, reason)
            }
        }
        return events
    }

    private static func what(_ attempt: Outbox.Attempt) -> String {
        attempt.digest == nil ? "delivery" : "digest delivery"
    }

    private static func metadata(_ attempt: Outbox.Attempt) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["channel": "\(attempt.channel)"]
        if attempt.digest != nil {
            metadata["notifications"] = "\(attempt.entries.count)"
        } else {
            metadata["rule"] = "\(attempt.notification.alert.rule)"
        }
        return metadata
    }
}
