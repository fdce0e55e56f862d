import Dispatch
public import HeadroomCollectors
public import HeadroomCore
import Synchronization

/// Runs one collector off the sampling loop, on its own serial queue, within a time budget.
///
/// A call that overruns its budget is reported as timed out and its metrics are absent;
/// the call itself cannot be interrupted (a read stuck in the kernel), so the runner
/// stays busy and later rounds report `stillBusy` instead of queueing more calls behind
/// it: threads never pile up.
public final class CollectorRunner: Sendable {
    public let collector: any Collector
    private let queue: DispatchQueue
    private let busy = Atomic<Bool>(false)

    public init(collector: any Collector) {
        self.collector = collector
        queue = DispatchQueue(label: "headroom.collector.\(collector.name)")
    }

    public var name: String { collector.name }

    /// Takes one reading, or gives up after `budget`.
    public func run(budget: Duration) async -> (report: CollectorReport, samples: [Sample]) {
        let name = collector.name
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return (CollectorReport(collector: name, outcome: .stillBusy, duration: .zero), [])
        }
        let started = ContinuousClock.now
        return await withCheckedContinuation { continuation in
            let box = ClaimOnce(continuation)
            let timeout = CancellableTimer(DispatchWorkItem {
                box.resume(with: (CollectorReport(collector: name, outcome: .timedOut(budget: budget), duration: budget), []))
            })
            queue.async { [self] in
                let (outcome, samples) = collectOnce()
                busy.store(false, ordering: .releasing)
                timeout.cancel()
                box.resume(with: (CollectorReport(collector: name, outcome: outcome, duration: started.duration(to: .now)), samples))
            }
            let nanoseconds = Int(min(budget.headroomSeconds, 3600) * 1e9)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: timeout.item)
        }
    }
}

extension CollectorRunner {
    /// Calls the collector and classifies the outcome.
    fileprivate func collectOnce() -> (CollectorOutcome, [Sample]) {
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

/// A timer work item shared between the collector's queue (which cancels it when the
/// collector answers in time) and the global queue (which runs it on timeout).
/// `DispatchWorkItem.cancel()` is thread-safe; the type just isn't marked Sendable.
private struct CancellableTimer: @unchecked Sendable {
    let item: DispatchWorkItem
    init(_ item: DispatchWorkItem) { self.item = item }
    func cancel() { item.cancel() }
}

/// Resumes a continuation exactly once, whichever of two racers gets there first.
private final class ClaimOnce: Sendable {
    private let state: Mutex<CheckedContinuation<(report: CollectorReport, samples: [Sample]), Never>?>

    init(_ continuation: CheckedContinuation<(report: CollectorReport, samples: [Sample]), Never>) {
        state = Mutex(continuation)
    }

    func resume(with value: sending (report: CollectorReport, samples: [Sample])) {
        let continuation = state.withLock { slot in
            let taken = slot
            slot = nil
            return taken
        }
        continuation?.resume(returning: value)
    }
}
