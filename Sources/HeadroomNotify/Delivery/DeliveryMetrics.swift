public import Foundation

/// The delivery self-metrics at one moment, for export (issue 5) and status output.
public struct DeliveryMetrics: Sendable, Hashable {
    /// Attempts, successes and failures by reason, per channel.
    public var channels: [String: DeliveryPipeline.ChannelStatistics]
    /// Notifications waiting in the outbox.
    public var outboxDepth: Int
    /// Seconds the oldest of them has waited; nil when none waits.
    public var oldestPendingAge: TimeInterval?
    /// The outbox's writes handed to its disk and not yet done: above zero for long, the disk
    /// under the state directory does not answer (`OutboxWriter`).
    public var writesWaiting: Int

    public init(
        channels: [String: DeliveryPipeline.ChannelStatistics], outboxDepth: Int, oldestPendingAge: TimeInterval?, writesWaiting: Int = 0
    ) {
        self.channels = channels
        self.outboxDepth = outboxDepth
        self.oldestPendingAge = oldestPendingAge
        self.writesWaiting = writesWaiting
    }
}
