public import HeadroomConfig
import HeadroomCollectors
import HeadroomCore
public import HeadroomNotify
public import HeadroomServer
public import Logging
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// The composition root: configuration + dependencies → running services.
/// `main` and the tests build the daemon the same way.
public struct Daemon: Sendable {
    public let sampling: SamplingService
    public let alerts: AlertCenter
    public let pipeline: DeliveryPipeline
    /// Attempts deliveries off the sampling loop once the service group runs.
    public let delivery: DeliveryService
    /// The HTTP endpoints (nil when `server.enabled` is false).
    public let server: HTTPServer?
    /// Pushes every round to InfluxDB / VictoriaMetrics (nil when `push.enabled` is false).
    public let push: PushService?
    /// Records every round, alert change, notification outcome and incident (nil when
    /// `history.enabled` is false, or with neither a state directory nor `history.path`).
    public let history: HistoryRecorder?
    let dependencies: Dependencies
    /// The configuration running now: what a reload compares the new file with.
    private let running: RunningConfiguration
    let logger: Logger

    /// Wires collectors → samples → rules → alerts → delivery for `configuration`.
    public init(configuration: HeadroomConfiguration, dependencies: Dependencies, logger: Logger) {
        self.dependencies = dependencies
        self.logger = logger
        running = RunningConfiguration(configuration)
        alerts = AlertCenter(
            rules: configuration.rules, policy: configuration.policy,
            hostname: configuration.hostname ?? dependencies.hostname,
            stateFile: dependencies.stateDirectory.map { AlertStateFile(stateDirectory: $0(configuration.delivery)) },
            logger: logger, clock: dependencies.clock)
        let history = Daemon.history(configuration, dependencies, logger)
        self.history = history
        pipeline = DeliveryPipeline(
            routes: Daemon.routes(configuration, dependencies), settings: configuration.delivery,
            store: Daemon.outbox(configuration, dependencies, logger),
            silences: dependencies.stateDirectory.map { SilenceStore(stateDirectory: $0(configuration.delivery)) },
            clock: dependencies.clock, events: Daemon.eventSink(history), logger: logger)
        delivery = DeliveryService(pipeline: pipeline, clock: dependencies.clock, logger: logger)
        let push =
            configuration.push.enabled
            ? PushService(
                settings: configuration.push, host: configuration.hostname ?? dependencies.hostname,
                transport: LiveHTTPTransport(), clock: dependencies.clock, logger: logger)
            : nil
        self.push = push
        let activity = ServingActivity()
        sampling = SamplingService(
            collectorSettings: configuration.collectors,
            interval: configuration.interval,
            alerts: alerts,
            delivery: delivery,
            history: history,
            logger: logger,
            clock: dependencies.clock,
            makeFiles: dependencies.makeFiles,
            releasesStartupPages: dependencies.releasesStartupPages,
            servingActivity: activity,
            collectors: dependencies.collectors?(configuration.collectors),
            sinks: push.map { push in [{ samples, time in push.enqueue(samples, at: time) }] } ?? []
        )
        if let history { sampling.attach(HistoryCollector(recorder: history)) }
        if alerts.savesState { sampling.attach(AlertStateCollector(alerts: alerts)) }
        server = Daemon.makeServer(
            configuration, dependencies, alerts: alerts, sampling: sampling, pipeline: pipeline, push: push, history: history, activity: activity)
    }

    /// The service group to run: sampling, plus SIGHUP reloading when `reload` is given.
    /// SIGTERM and SIGINT shut down gracefully (pending notifications are flushed). Throws
    /// when the HTTP server cannot be set up (unusable TLS files), rather than run without it.
    public func serviceGroup(
        reload: (@Sendable () -> Result<HeadroomConfiguration, ConfigurationErrors>)? = nil,
        supervising supervisor: SupervisorService? = nil
    ) throws -> ServiceGroup {
        // Delivery first: services stop in reverse order, so it flushes after sampling stopped.
        // The history stops last: it keeps what sampling and delivery did until they stopped.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = history.map { [.init(service: $0)] } ?? []
        services += [.init(service: delivery), .init(service: sampling)]
        if let push { services.append(.init(service: push)) }
        if let server {
            let logger = self.logger
            let listen = server.settings.listen
            let scheme = server.settings.tls == nil ? "http" : "https"
            services.append(
                .init(
                    service: try server.service(logger: logger) { port in
                        logger.info("serving \(scheme)://\(ListenAddress(host: listen.host, port: port))/metrics")
                    }))
        }
        if let supervisor {
            // Entrypoint mode: signals go to the child; the group ends when the child does.
            services.append(.init(service: supervisor, successTerminationBehavior: .gracefullyShutdownGroup))
            return ServiceGroup(configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [], logger: logger))
        }
        if let reload {
            let daemon = self
            services.append(
                .init(
                    service: ReloadService(logger: logger) {
                        await daemon.reload(reload())
                    }))
        }
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
    }

    /// Applies a reloaded configuration if it is valid; otherwise keeps the running one and
    /// logs every problem. Alert state of unchanged rules is kept. False when nothing was
    /// applied: the file is invalid, or shutdown has begun.
    @discardableResult
    public func reload(_ result: Result<HeadroomConfiguration, ConfigurationErrors>) async -> Bool {
        switch result {
        case .failure(let errors):
            logger.error("configuration reload rejected; keeping the running configuration:\n\(errors.description)")
            return false
        case .success(let configuration):
            let now = dependencies.clock.wallTime()
            // Between two rounds, in their order: every channel is new, and the ones that
            // re-send firing alerts take up those still firing. Not once shutdown has begun
            // (said there): nothing of the file is applied then.
            guard
                await sampling.reload(
                    rules: configuration.rules, policy: configuration.policy, routes: Daemon.routes(configuration, dependencies), at: now)
            else { return false }
            let restartOnly = running.current.withLock { current in
                defer { current = current.reloaded(to: configuration) }
                return current.restartOnlyChanges(in: configuration)
            }
            sampling.apply(interval: configuration.interval, collectors: configuration.collectors)
            logger.info(
                "configuration reloaded",
                metadata: [
                    "rules": "\(configuration.rules.count)",
                    "channels": "\(configuration.channels.filter(\.enabled).map(\.name).joined(separator: ","))",
                    "interval": "\(configuration.interval.headroomDescription)",
                ])
            if !restartOnly.isEmpty {
                logger.warning(
                    "the file changes \(restartOnly.joined(separator: ", ")), which a reload does not apply: the running settings stay until headroom restarts")
            }
            return true
        }
    }

    /// The outbox directory, created if needed; nil (memory only, logged loudly) when it cannot be.
    private static func outbox(_ configuration: HeadroomConfiguration, _ dependencies: Dependencies, _ logger: Logger) -> OutboxStore? {
        guard let directory = dependencies.stateDirectory?(configuration.delivery) else { return nil }
        let store = OutboxStore(stateDirectory: directory)
        do {
            try store.prepare()
            return store
        } catch {
            logger.error("the durable outbox is unavailable; undelivered notifications will not survive a restart", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private static func eventSink(_ history: HistoryRecorder?) -> (@Sendable ([HistoryEvent]) -> Void)? {
        guard let history else { return nil }
        return { events in history.record(events) }
    }

    /// The history recorder, when enabled and there is somewhere to keep it.
    private static func history(_ configuration: HeadroomConfiguration, _ dependencies: Dependencies, _ logger: Logger) -> HistoryRecorder? {
        let settings = configuration.history
        guard settings.enabled else { return nil }
        guard let path = settings.path ?? dependencies.stateDirectory.map({ settings.file(stateDirectory: $0(configuration.delivery)) })
        else { return nil }
        return HistoryRecorder(
            settings: settings, path: path, clock: dependencies.clock, logger: logger, idleAfter: configuration.policy.staleAfter)
    }

    private static func routes(_ configuration: HeadroomConfiguration, _ dependencies: Dependencies) -> [DeliveryPipeline.Route] {
        configuration.channels.filter(\.enabled).map {
            DeliveryPipeline.Route(configuration: $0, notifier: dependencies.makeNotifier($0))
        }
    }
}

/// The running configuration, behind a lock: reloads replace it.
private final class RunningConfiguration: Sendable {
    let current: Mutex<HeadroomConfiguration>

    init(_ configuration: HeadroomConfiguration) {
        current = Mutex(configuration)
    }
}
