import Foundation
import HeadroomCore
import Logging

/// Silences: set by tests or reloaded from the silence store when it changes.
extension DeliveryPipeline {
    /// Replaces the silences (tests; the daemon reads them from the silence store).
    public func setSilences(_ newSilences: [Silence]) {
        silences = newSilences
    }

    /// Takes up the silences file's changes, waiting for its disk at most `diskPatience`.
    func reloadSilences() {
        for change in silenceWatcher?.refresh() ?? [] {
            switch change {
            case .loaded(let loaded):
                silences = loaded
            case .failed(let error):
                logger.error("cannot read the silences; keeping the previous ones", metadata: ["error": "\(error)"])
            }
        }
    }
}
