public import Foundation
public import HeadroomCollectors
public import HeadroomCore
public import HeadroomNotify
public import Logging
public import ServiceLifecycle

/// The daemon's heartbeat: every interval, read all collectors concurrently, evaluate the
/// rules, hand the notifications to the delivery pipeline.
///
/// `tick(at:)` is one round and is what tests drive; `run()` only schedules ticks on a
/// clock, aligned to a fixed grid (no drift; a round that overruns skips to the next slot).
public actor SamplingService: Service {
    private var runners: [CollectorRunner]
    /// Collectors outside the catalog (the supervised child), kept across reloads.
    private var attached: [CollectorRunner] = []
    /// Called after each round with the samples the rules saw (push).
    private var observers: [@Sendable ([Sample], Date) async -> Void] = []
    private var collectorSettings: CollectorSettings
    private var interval: Duration
    private let alerts: AlertCenter
    private let pipeline: DeliveryPipeline
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let makeFiles: @Sendable (String) -> any SystemFiles
    private var announced: [String: CollectorOutcome] = [:]
    private var announcedGPUs: [String: String] = [:]
    /// The service that delivers, once the daemon runs as a service group.
    private var delivery: DeliveryService?
    private var rounds = 0

    /// What one round did.
    public struct RoundSummary: Sendable {
        public var snapshot: HostSnapshot
        public var notifications: [AlertNotification]
    }

    public init(
        collectorSettings: CollectorSettings,
        interval: Duration,
        alerts: AlertCenter,
        pipeline: DeliveryPipeline,
        logger: Logger,
        now: @escaping @Sendable () -> Date,
        makeFiles: @escaping @Sendable (String) -> any SystemFiles,
        collectors: [any Collector]? = nil,
        observers: [@Sendable ([Sample], Date) async -> Void] = []
    ) {
        self.observers = observers
        self.collectorSettings = collectorSettings
        self.interval = interval
        self.alerts = alerts
        self.pipeline = pipeline
        self.logger = logger
        self.now = now
        self.makeFiles = makeFiles
        let built = collectors ?? CollectorCatalog.make(settings: collectorSettings, files: makeFiles(collectorSettings.root))
        runners = built.map(CollectorRunner.init)
    }

    /// Applies a reloaded configuration's sampling settings.
    public func apply(interval newInterval: Duration, collectors newSettings: CollectorSettings) {
        interval = newInterval
        if newSettings != collectorSettings {
            collectorSettings = newSettings
            runners = CollectorCatalog.make(settings: newSettings, files: makeFiles(newSettings.root)).map(CollectorRunner.init)
            announced = [:]
        }
    }

    public var currentInterval: Duration { interval }

    /// Calls `observer` after every round with that round's samples and time.
    public func observeRounds(_ observer: @escaping @Sendable ([Sample], Date) async -> Void) {
        observers.append(observer)
    }

    /// Adds a collector that is not in the catalog (entrypoint mode's child).
    /// Hands delivery over to `service`: rounds only write notifications to the outbox.
    public func deliver(through service: DeliveryService) {
        delivery = service
    }

    public func attach(_ collector: any Collector) {
        attached.append(CollectorRunner(collector: collector))
    }

    // MARK: - One round

    /// Reads every collector (concurrently, each within its budget), evaluates, delivers.
    @discardableResult
    public func tick(at time: Date? = nil) async -> RoundSummary {
        let stamp = time ?? now()
        let budget = collectorSettings.timeout
        var reports: [CollectorReport] = []
        var samples: [Sample] = []
        for (report, collected) in await CollectorRound.run(runners + attached, budget: budget) {
            reports.append(report)
            samples += collected
        }
        announce(reports, samples: samples)
        let snapshot = HostSnapshot(time: stamp, samples: samples, collectors: reports)
        let notifications = await alerts.process(snapshot)
        if !observers.isEmpty {
            let evaluated = await alerts.latestSamples
            for observer in observers { await observer(evaluated, stamp) }
        }
        if let delivery {
            // The live daemon: to the outbox, and the delivery service takes it from there.
            await pipeline.enqueue(notifications, at: stamp)
            if !notifications.isEmpty { delivery.wake() }
        } else {
            // Driven by tests through `tick(at:)`: deliver in the round, deterministically.
            await pipeline.submit(notifications, at: stamp)
        }
        rounds += 1
        logger.debug("round complete", metadata: [
            "samples": "\(samples.count)", "notifications": "\(notifications.count)",
            "failed_collectors": "\(reports.filter(\.isFailure).map(\.collector).joined(separator: ","))",
        ])
        let summary = RoundSummary(snapshot: snapshot, notifications: notifications)
        return summary
    }

    /// Logs each collector's situation once, and again only when it changes: a kernel
    /// without PSI is one informative line with the remedy, not an error per sample.
    private func announce(_ reports: [CollectorReport], samples: [Sample]) {
        for report in reports {
            // Compared as values: nothing is built per round while nothing changes.
            guard announced[report.collector] != report.outcome else { continue }
            let previous = announced[report.collector]
            announced[report.collector] = report.outcome
            let metadata: Logger.Metadata = ["collector": "\(report.collector)"]
            switch report.outcome {
            case .ok:
                if previous != nil { logger.info("collector recovered", metadata: metadata) }
            case .unavailable(let reason):
                logger.info("collector unavailable on this host; its metrics are skipped: \(reason)", metadata: metadata)
            case .failed, .timedOut, .stillBusy:
                logger.warning("collector failed: \(report.reason ?? "unknown")", metadata: metadata)
            }
        }
        if rounds == 0 { describeContainer(samples) }
        describeGPUs(samples)
    }

    /// Says once per change what each GPU driver shows: the driver version and the GPUs,
    /// or why the driver is unusable.
    private func describeGPUs(_ samples: [Sample]) {
        for driver in samples where driver.name == "gpu_driver_up" {
            let vendor = driver.labels["vendor"] ?? "?"
            let gpus = samples.filter { $0.name == "gpu_memory_total_bytes" && $0.labels["vendor"] == vendor && $0.labels["gpu_instance"] == nil }
            let text: String
            if driver.value == 0 {
                text = "\(vendor) GPU driver unusable: \(driver.detail ?? "?")"
            } else {
                let list = gpus.map { "GPU \($0.labels["gpu"] ?? "?") \($0.labels["name"] ?? "?") \(MessageFormat.bytes($0.value))" }
                let name = vendor == "nvidia" ? "NVIDIA" : vendor.uppercased()
                text = "\(name) \(driver.detail ?? "driver"): \(list.count) GPU\(list.count == 1 ? "" : "s")"
                    + (list.isEmpty ? "" : " (\(list.joined(separator: ", ")))")
            }
            guard announcedGPUs[vendor] != text else { continue }
            announcedGPUs[vendor] = text
            if driver.value == 0 { logger.warning("\(text)") } else { logger.info("\(text)") }
        }
    }

    /// Says once what the container's limits are, or that there are none.
    private func describeContainer(_ samples: [Sample]) {
        func value(_ name: String) -> Sample? { samples.first { $0.name == name } }
        guard let memoryLimited = value("container_memory_limited") else { return }
        let cgroup = memoryLimited.labels["cgroup"] ?? "?"
        let version = memoryLimited.labels["version"] ?? "?"
        var parts: [String] = []
        if memoryLimited.value == 0 {
            parts.append("memory: no limit set (usage is reported, not a percentage of a limit)")
        } else if let limit = value("container_memory_limit_bytes") {
            parts.append("memory limit \(MessageFormat.bytes(limit.value))")
        }
        if let cpuLimited = value("container_cpu_limited") {
            if cpuLimited.value == 0 {
                parts.append("cpu: no quota set")
            } else if let cores = value("container_cpu_limit_cores") {
                parts.append("cpu quota \(MessageFormat.number(cores.value, decimals: 2)) cores")
            }
        }
        logger.info("cgroup \(version) \(cgroup): \(parts.joined(separator: "; "))")
    }

    // MARK: - Service

    /// Ticks on a fixed grid of the continuous clock until cancelled.
    private func loop() async throws {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            await tick()
            let step = interval
            next = next.advanced(by: step)
            let current = clock.now
            if next < current {
                // Overran: skip the missed slots rather than bursting to catch up.
                let behind = (current - next) / step
                next = next.advanced(by: step * (Int(behind) + 1))
            }
            try await Task.sleep(until: next, clock: clock)
        }
    }

    public func run() async throws {
        if delivery == nil { await pipeline.recover(at: now()) }
        do {
            try await cancelWhenGracefulShutdown {
                try await self.loop()
            }
        } catch is CancellationError {
            // Graceful shutdown: fall through to the final flush.
        }
        // The next process takes up the incidents where this one leaves them.
        await alerts.saveState(at: now())
        if delivery == nil {
            await pipeline.retryDue(at: now(), force: true)
            logger.info("sampling stopped; pending notifications flushed")
        } else {
            logger.info("sampling stopped")
        }
    }
}
