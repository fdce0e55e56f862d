public import Logging
public import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP: the loader validates the new file, and only a
/// valid one is applied; an invalid one is logged with every problem and the running
/// configuration stays.
public struct ReloadService: Service {
    private let reload: @Sendable () async -> Void
    private let logger: Logger

    /// `reload` reads, validates and applies (see `Daemon.reload`).
    public init(logger: Logger, reload: @escaping @Sendable () async -> Void) {
        self.reload = reload
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        logger.debug("reloading on SIGHUP is armed")
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.info("SIGHUP received: reloading the configuration")
                await reload()
            }
        }
    }
}
