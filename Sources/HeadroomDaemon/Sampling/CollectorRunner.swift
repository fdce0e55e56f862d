import Dispatch
public import HeadroomCollectors
public import HeadroomCore
public import HeadroomNotify
import Synchronization

/// Runs one collector off the sampling loop, on its own serial queue.
///
/// The call itself cannot be interrupted (a read stuck in the kernel, a hung driver), so a
/// runner whose call overran stays busy, and later rounds report `stillBusy` instead of
/// queueing more calls behind it: threads never pile up.
public final class CollectorRunner: Sendable {
    public let collector: any Collector
    private let queue: DispatchQueue
    private let busy = Atomic<Bool>(false)
    private let quarantined = Atomic<Bool>(false)
    /// Whether any call has returned yet, and for how many rounds the first one has not.
    private let answered = Atomic<Bool>(false)
    private let roundsWithoutAnswer = Atomic<Int>(0)

    public init(collector: any Collector) {
        self.collector = collector
        queue = DispatchQueue(label: "headroom.collector.\(collector.name)")
    }

    public var name: String { collector.name }

    /// A collector that once overran its share of a round runs on its own queue from then
    /// on, so it can never again hold up the collectors that share a thread.
    public var isQuarantined: Bool { quarantined.load(ordering: .acquiring) }

    func quarantine() { quarantined.store(true, ordering: .releasing) }

    /// Replaces an overrun of the collector's very first call by "starting" while within
    /// its `startupGraceRounds`.
    func settle(_ report: CollectorReport) -> CollectorReport {
        guard !answered.load(ordering: .acquiring), collector.startupGraceRounds > 0 else { return report }
        switch report.outcome {
        case .timedOut, .stillBusy:
            let rounds = roundsWithoutAnswer.add(1, ordering: .acquiringAndReleasing).newValue
            guard rounds <= collector.startupGraceRounds else { return report }
            return CollectorReport(
                collector: report.collector,
                outcome: .unavailable(
                    reason: "starting: its first reading is still in progress (NVML's first init can take tens of seconds "
                        + "without nvidia-persistenced); a stall is reported after \(collector.startupGraceRounds) rounds"),
                duration: report.duration)
        default:
            return report
        }
    }

    /// Runs the collector on the calling thread (the shared round thread), unless its
    /// previous call is still stuck.
    func runInline(clock: any DaemonClock) -> (CollectorReport, [Sample]) {
        let name = collector.name
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return (CollectorReport(collector: name, outcome: .stillBusy, duration: .zero), [])
        }
        let started = clock.uptime()
        let (outcome, samples) = collectOnce()
        busy.store(false, ordering: .releasing)
        return (CollectorReport(collector: name, outcome: outcome, duration: started.duration(to: clock.uptime())), samples)
    }

    /// Starts one reading and calls `completion` from the collector's queue when it ends,
    /// or at once with `stillBusy` when the previous call has not returned.
    public func start(clock: any DaemonClock, _ completion: @escaping @Sendable (CollectorReport, [Sample]) -> Void) {
        let name = collector.name
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            completion(CollectorReport(collector: name, outcome: .stillBusy, duration: .zero), [])
            return
        }
        let started = clock.uptime()
        queue.async { [self] in
            let (outcome, samples) = collectOnce()
            busy.store(false, ordering: .releasing)
            completion(CollectorReport(collector: name, outcome: outcome, duration: started.duration(to: clock.uptime())), samples)
        }
    }

    /// Calls the collector and classifies the outcome.
    private func collectOnce() -> (CollectorOutcome, [Sample]) {
        defer { answered.store(true, ordering: .releasing) }
        do {
            return (.ok, try collector.collect())
        } catch {
            switch error {
            case .unavailable(let reason): return (.unavailable(reason: reason), [])
            case .failed(let reason): return (.failed(reason: reason), [])
            }
        }
    }
}
