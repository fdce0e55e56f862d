import Foundation
import HeadroomCore
import Logging

/// Silences: set by tests or reloaded from the silence store when it changes.
extension DeliveryPipeline {
    /// Replaces the silences (tests; the daemon reads them from the silence store).
    public func setSilences(_ newSilences: [Silence]) {
        silences = newSilences
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
}
