public import Foundation
public import HeadroomCore
public import HeadroomNotify
public import Logging
public import ServiceLifecycle

/// Delivers notifications off the sampling loop: rounds and reloads hand them over
/// (`hand(_:at:)`: into the outbox, then a ring); this service attempts what is due, then sleeps until the next retry is
/// due or new notifications arrive. A receiver that hangs for its whole timeout delays only
/// this service, never a sampling round. Idle (nothing pending), it does not wake at all.
public actor DeliveryService: Service {
    private let pipeline: DeliveryPipeline
    private let clock: any DaemonClock
    private let logger: Logger
    private let bell = Doorbell()
    /// How long shutdown waits for the outbox's last writes on a disk that stopped answering.
    static let shutdownWriteLimit: Duration = .seconds(5)

    public init(pipeline: DeliveryPipeline, clock: any DaemonClock, logger: Logger) {
        self.pipeline = pipeline
        self.clock = clock
        self.logger = logger
    }

    /// Hands notifications over: written to the outbox (fsync'd), then attempted by this
    /// service's next pass, which they wake. Every producer — a live round, a test's round,
    /// a reload's closing notifications — goes through here, so one service attempts them all
    /// and each alert's notifications stay in order.
    public nonisolated func hand(_ notifications: [AlertNotification], at time: Date) async {
        guard !notifications.isEmpty else { return }
        await pipeline.enqueue(notifications, at: time)
        bell.ring()
    }

    /// Swaps the channel set (a reload; `DeliveryPipeline.replaceRoutes`).
    public nonisolated func replaceRoutes(_ routes: [DeliveryPipeline.Route]) async {
        await pipeline.replaceRoutes(routes)
    }

    /// Hands firings already delivered to the channels that keep re-sending them
    /// (`DeliveryPipeline.resume`).
    public nonisolated func resume(_ firings: [AlertNotification], at time: Date) async {
        await pipeline.resume(firings, at: time)
    }

    public func run() async throws {
        await pipeline.recover(at: clock.wallTime())
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.pipeline.retryDue(at: self.clock.wallTime())
                var deadline: MonotonicInstant?
                if let next = await self.pipeline.nextAttemptDate() {
                    // Rounded up: an alarm that rang a moment early would find nothing due.
                    let seconds = min(3600, max(0.05, next.timeIntervalSince(self.clock.wallTime())))
                    deadline = self.clock.uptime() + .milliseconds(Int((seconds * 1000).rounded(.up)))
                }
                await self.bell.wait(until: deadline, on: self.clock)
            }
        }
        // Graceful shutdown (after sampling stopped): one last attempt at everything pending.
        await pipeline.retryDue(at: clock.wallTime(), force: true)
        let left = await pipeline.pendingCount
        let unwritten = await pipeline.finishWrites(within: Self.shutdownWriteLimit)
        if unwritten > 0 {
            logger.warning(
                "the outbox's disk did not answer within \(Self.shutdownWriteLimit): \(unwritten) of its files are not written; after a restart, notifications delivered meanwhile may be sent again, and pending ones written only in memory are lost"
            )
        }
        logger.info("delivery stopped; pending notifications flushed", metadata: ["still_pending": "\(left)"])
    }
}
