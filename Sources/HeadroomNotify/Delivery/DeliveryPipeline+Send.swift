import Foundation
import HeadroomCore
import Logging

/// Performing what the outbox state machine decided: disk changes and log lines.
extension DeliveryPipeline {
    func perform(_ actions: [Outbox.Action]) {
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
            case .silenced(let channel, let rule):
                logger.debug("silenced", metadata: ["channel": "\(channel)", "rule": "\(rule)"])
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
