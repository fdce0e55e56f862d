/// Settings of a `type: alertmanager` channel: push alerts to one or more Alertmanagers
/// the way Prometheus does.
public struct AlertmanagerConfiguration: Sendable, Hashable {
    /// YAML `url:` (one or a list): each Alertmanager's base URL, e.g.
    /// `http://alertmanager:9093`; alerts go to `<url>/api/v2/alerts`.
    public var endpoints: [HTTPEndpoint]
    /// YAML `resend_interval:`, default 1m: firing alerts are re-sent this often with
    /// `endsAt` four intervals ahead, as Prometheus does; resolved ones for 15 minutes.
    public var resendInterval: Duration

    public init(endpoints: [HTTPEndpoint], resendInterval: Duration = .seconds(60)) {
        self.endpoints = endpoints
        self.resendInterval = resendInterval
    }
}
