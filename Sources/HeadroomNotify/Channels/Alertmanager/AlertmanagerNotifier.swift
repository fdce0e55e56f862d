public import Foundation
public import HeadroomCore

/// Pushes alerts to Alertmanagers with Prometheus's re-send semantics: each firing alert is
/// posted at once and then every `resend_interval` with `endsAt` four intervals ahead (so
/// Alertmanager resolves it by itself if headroom disappears); a resolved alert is posted
/// with its resolve time and re-sent for 15 minutes. Success needs every Alertmanager.
/// Posts go out one at a time, in order: a re-send taken before an alert resolved must not
/// land after the resolved post (Alertmanager would show it firing again until `endsAt`).
/// A new instance mid-incident (a restart, a reload) is handed the firings delivered before
/// it (`resume`) and posts them at once, so an alert still firing never expires in
/// Alertmanager for want of a re-send.
public final class AlertmanagerNotifier: ResendingNotifier {
    public let channel: String
    private let configuration: AlertmanagerConfiguration
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let state: AlertmanagerResendState
    private let order: AlertmanagerPostOrder
    private let resender: Task<Void, Never>

    public init(
        channel: String, configuration: AlertmanagerConfiguration, transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.now = now
        let state = AlertmanagerResendState()
        self.state = state
        let order = AlertmanagerPostOrder()
        self.order = order
        let interval = configuration.resendInterval
        resender = Task {
            while !Task.isCancelled {
                try? await TimedWait.sleep(for: interval)
                if Task.isCancelled { return }
                await AlertmanagerNotifier.resend(
                    state: state, order: order, configuration: configuration, transport: transport, channel: channel, now: now)
            }
        }
    }

    deinit { resender.cancel() }

    /// Posts every alert due a re-send, in turn after every post asked for before (so never
    /// older than what the last post said).
    private static func resend(
        state: AlertmanagerResendState, order: AlertmanagerPostOrder, configuration: AlertmanagerConfiguration,
        transport: any HTTPTransport, channel: String, now: @escaping @Sendable () -> Date
    ) async {
        _ = await order.run {
            let alerts = await state.due(at: now(), resendInterval: configuration.resendInterval)
            guard !alerts.isEmpty else { return .success(()) }
            return await AlertmanagerNotifier.attempt(alerts, configuration: configuration, transport: transport, channel: channel)
        }
    }

    public func resume(_ firings: [AlertNotification]) async {
        guard !firings.isEmpty else { return }
        for firing in firings { await state.adopt(firing) }
        // The first re-send now: the last post of the instance before may be about to expire.
        Task { [state, order, configuration, transport, channel, now] in
            await Self.resend(state: state, order: order, configuration: configuration, transport: transport, channel: channel, now: now)
        }
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let current = now()
        let notifications = context.digest.isEmpty ? [notification] : context.digest
        for item in notifications { await state.record(item, at: current) }
        let alerts = notifications.map {
            AlertmanagerPayload.alert($0, endsAt: AlertmanagerPayload.endsAt($0, now: current, resendInterval: configuration.resendInterval))
        }
        try await order.run { [configuration, transport, channel] in
            await Self.attempt(alerts, configuration: configuration, transport: transport, channel: channel)
        }.get()
    }

    static func attempt(
        _ alerts: [String], configuration: AlertmanagerConfiguration, transport: any HTTPTransport,
        channel: String
    ) async -> Result<Void, DeliveryError> {
        do throws(DeliveryError) {
            try await post(alerts, configuration: configuration, transport: transport, channel: channel)
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    static func post(_ alerts: [String], configuration: AlertmanagerConfiguration, transport: any HTTPTransport, channel: String) async throws(DeliveryError) {
        let body = AlertmanagerPayload.body(alerts)
        for endpoint in configuration.endpoints {
            var url = try endpoint.resolvedURL(channel: channel)
            while url.hasSuffix("/") { url.removeLast() }
            let request = HTTPRequest(url: url + "/api/v2/alerts", headers: [HTTPHeader("Content-Type", "application/json")], body: body)
            let response = try await transport.send(request, tls: endpoint.tls, timeout: endpoint.timeout)
            if let error = ResponseClassifier.status(response, channel: channel) { throw error }
        }
    }
}

/// Runs posts one at a time in the order they were asked for: each waits for the one before.
actor AlertmanagerPostOrder {
    private var last: Task<Result<Void, DeliveryError>, Never>?

    func run(_ post: @escaping @Sendable () async -> Result<Void, DeliveryError>) async -> Result<Void, DeliveryError> {
        let previous = last
        let task = Task {
            _ = await previous?.value
            return await post()
        }
        last = task
        return await task.value
    }
}

/// The alerts an Alertmanager channel keeps re-sending (pure bookkeeping behind an actor).
actor AlertmanagerResendState {
    private var latest: [String: AlertNotification] = [:]

    func record(_ notification: AlertNotification, at now: Date) {
        latest[notification.alert.fingerprint] = notification
    }

    /// Takes up a firing delivered before this channel existed, unless the channel has
    /// posted something of that alert itself since (which is newer).
    func adopt(_ firing: AlertNotification) {
        if latest[firing.alert.fingerprint] == nil { latest[firing.alert.fingerprint] = firing }
    }

    /// The bodies to re-send now: firing alerts with a fresh `endsAt`, resolved ones until
    /// their retention ends (then forgotten).
    func due(at now: Date, resendInterval: Duration) -> [String] {
        var alerts: [String] = []
        for (fingerprint, notification) in latest {
            if notification.kind == .resolved {
                let resolved = notification.alert.resolvedAt ?? notification.time
                if now.timeIntervalSince(resolved) > AlertmanagerPayload.resolvedRetention {
                    latest[fingerprint] = nil
                    continue
                }
            }
            alerts.append(AlertmanagerPayload.alert(notification, endsAt: AlertmanagerPayload.endsAt(notification, now: now, resendInterval: resendInterval)))
        }
        return alerts
    }
}
