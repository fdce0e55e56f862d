public import Foundation
public import HeadroomCore

/// Pushes alerts to Alertmanagers with Prometheus's re-send semantics: each firing alert is
/// posted at once and then every `resend_interval` with `endsAt` four intervals ahead (so
/// Alertmanager resolves it by itself if headroom disappears); a resolved alert is posted
/// with its resolve time and re-sent for 15 minutes. Success needs every Alertmanager.
public final class AlertmanagerNotifier: Notifier {
    public let channel: String
    private let configuration: AlertmanagerConfiguration
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let state: AlertmanagerResendState
    private let resender: Task<Void, Never>

    public init(channel: String, configuration: AlertmanagerConfiguration, transport: any HTTPTransport,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.now = now
        let state = AlertmanagerResendState()
        self.state = state
        let interval = configuration.resendInterval
        resender = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { return }
                let current = now()
                let alerts = await state.due(at: current, resendInterval: interval)
                guard !alerts.isEmpty else { continue }
                _ = try? await AlertmanagerNotifier.post(alerts, configuration: configuration, transport: transport, channel: channel)
            }
        }
    }

    deinit { resender.cancel() }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let current = now()
        let notifications = context.digest.isEmpty ? [notification] : context.digest
        for item in notifications { await state.record(item, at: current) }
        let alerts = notifications.map {
            AlertmanagerPayload.alert($0, endsAt: AlertmanagerPayload.endsAt($0, now: current, resendInterval: configuration.resendInterval))
        }
        try await Self.post(alerts, configuration: configuration, transport: transport, channel: channel)
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

/// The alerts an Alertmanager channel keeps re-sending (pure bookkeeping behind an actor).
actor AlertmanagerResendState {
    private var latest: [String: AlertNotification] = [:]

    func record(_ notification: AlertNotification, at now: Date) {
        latest[notification.alert.fingerprint] = notification
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
