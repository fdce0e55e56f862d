import Foundation
import HeadroomCore
import Logging

/// Silences, and the delivered firings that let a resolved through one.
extension DeliveryPipeline {
    /// Replaces the silences (tests; the daemon reads them from the silence store).
    public func setSilences(_ newSilences: [Silence]) {
        silences = newSilences
    }

    /// Whether a silence holds `notification` back from `channel`. A resolved one is let
    /// through when its firing was delivered or is still pending (unless configured off).
    func isSilenced(_ notification: AlertNotification, channel: String, at now: Date) -> Bool {
        guard silences.contains(where: { $0.silences(notification, at: now) }) else { return false }
        guard notification.kind == .resolved, settings.resolvedAfterSilence else { return true }
        let key = channel + "\n" + notification.alert.fingerprint
        let firingPending = pending.contains {
            $0.channel == channel && $0.stored.rule == notification.alert.rule
                && $0.notification?.alert.fingerprint == notification.alert.fingerprint
        }
        return !(deliveredFirings.contains(key) || firingPending)
    }

    func reloadSilences() {
        guard let silenceStore else { return }
        let modified = silenceStore.modificationDate()
        guard modified != silencesModified else { return }
        silencesModified = modified
        do {
            silences = try silenceStore.load()
        } catch {
            logger.error("cannot read the silences; keeping the previous ones", metadata: ["error": "\(error)"])
        }
    }

    func noteDelivered(_ notification: AlertNotification, channel: String) {
        let key = channel + "\n" + notification.alert.fingerprint
        if notification.kind == .resolved {
            deliveredFiringsChanged = deliveredFirings.remove(key) != nil || deliveredFiringsChanged
        } else {
            deliveredFiringsChanged = deliveredFirings.insert(key).inserted || deliveredFiringsChanged
        }
    }
}
