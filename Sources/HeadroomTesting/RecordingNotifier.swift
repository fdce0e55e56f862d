public import HeadroomCore
public import HeadroomNotify
import Synchronization

/// A notifier that keeps every notification it is given, and can be told to fail.
public final class RecordingNotifier: Notifier, Sendable {
    public let channel: String
    private let state = Mutex<(received: [AlertNotification], failures: [DeliveryError])>(([], []))
    private let continuation: AsyncStream<AlertNotification>.Continuation
    /// Every delivered notification, as it arrives (for tests that wait on events, not sleeps).
    public let deliveries: AsyncStream<AlertNotification>

    public init(channel: String = "recording") {
        self.channel = channel
        (deliveries, continuation) = AsyncStream.makeStream(of: AlertNotification.self)
    }

    /// The notifications delivered so far.
    public var received: [AlertNotification] { state.withLock { $0.received } }

    /// Makes the next `errors.count` deliveries fail with these errors, in order.
    public func failNext(_ errors: [DeliveryError]) {
        state.withLock { $0.failures += errors }
    }

    public func deliver(_ notification: AlertNotification, context _: DeliveryContext) async throws(DeliveryError) {
        let failure: DeliveryError? = state.withLock { state in
            if !state.failures.isEmpty { return state.failures.removeFirst() }
            state.received.append(notification)
            return nil
        }
        if let failure { throw failure }
        continuation.yield(notification)
    }
}
