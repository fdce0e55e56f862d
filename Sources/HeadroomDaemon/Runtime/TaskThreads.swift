import CLinuxShims
import Glibc
import HeadroomCore
import HeadroomNotify
public import Logging
import Synchronization

/// Swift concurrency's global executor on Headroom's own threads (a `WorkerPool` named
/// `headroom-task`), instead of Dispatch's pool.
///
/// Why: on Linux, the first job Dispatch's pool runs arms libdispatch's worker-pool monitor, a
/// one-second timer on its manager thread that never stops (it looks for stalled pools, and
/// reads `/proc` for each thread of one that has work). In an idle daemon at `interval: 1s`
/// it was a wake-up a second besides the round's (BENCHMARKS.md, "The monitor, gone"). This
/// pool sleeps in the kernel when idle.
///
/// How: the runtime's `swift_task_enqueueGlobal_hook`, the hook SwiftNIO uses to run Swift
/// concurrency on its event loops. Jobs run on the generic executor, exactly as Dispatch's
/// global executor runs them. What the hook does not cover still goes to Dispatch, correctly
/// but with the monitor: `Task.sleep` (so Headroom waits through `SystemClock` and
/// `TimedWait`, which `install` points at it), the main actor, and delayed jobs.
public enum TaskThreads {
    private typealias Run = @convention(thin) (UnownedJob) -> Void
    private typealias EnqueueHook = @convention(thin) (UnownedJob, Run) -> Void

    /// Jobs wait at most this long behind threads that all block before one more starts
    /// (Dispatch's monitor looks once a second).
    static let rescueAfter: Duration = .milliseconds(50)

    private static let pool = WorkerPool<UnownedJob>(
        name: "headroom-task", width: width(), rescueAfter: rescueAfter, rescued: report, perform: runOnGenericExecutor)

    /// Where rescues are logged, once the daemon has a logger.
    private static let rescueLogger = Mutex<Logger?>(nil)

    /// Routes every global job to Headroom's threads. Call once, first thing in `main`, before
    /// any task exists. False (and Dispatch keeps the jobs) where the runtime's executor
    /// reference does not have the layout this relies on.
    @discardableResult
    public static func install() -> Bool {
        guard MemoryLayout<UnownedSerialExecutor>.size == 2 * MemoryLayout<Int>.size, hr_enqueue_global_hook() == nil
        else { return false }
        _ = pool
        let hook: EnqueueHook = { job, _ in TaskThreads.pool.enqueue(job) }
        hr_set_enqueue_global_hook(unsafeBitCast(hook, to: UnsafeMutableRawPointer.self))
        // The channels' and commands' sleeps, on the watchdog's alarms too.
        TimedWait.use { duration in
            let clock = SystemClock()
            try await clock.sleep(until: clock.uptime() + duration)
        }
        return true
    }

    /// Logs rescues to `logger` from now on: a rescue means tasks held every pool thread for
    /// `rescueAfter` (blocked in a call, which is a bug worth reporting, or busy that long).
    /// The 1st, 2nd, 4th, 8th… are logged (a stuck task can cause one every `rescueAfter`);
    /// `headroom_task_thread_rescues_total` counts them all.
    public static func logRescues(to logger: Logger) {
        rescueLogger.withLock { $0 = logger }
    }

    /// Whether the `rescues`-th rescue is logged: the powers of two.
    static func logs(rescue rescues: Int) -> Bool {
        rescues > 0 && rescues & (rescues - 1) == 0
    }

    private static func report(_ counts: WorkerPool<UnownedJob>.Counts) {
        guard logs(rescue: counts.rescues), let logger = rescueLogger.withLock({ $0 }) else { return }
        logger.warning(
            "task threads held: work waited \(rescueAfter.headroomDescription) behind tasks that all held their headroom-task threads (blocked in a call, or busy that long), so one more thread started; a task that blocks its thread is a bug worth reporting (rescue \(counts.rescues); logged at 1, 2, 4, 8… rescues; headroom_task_thread_rescues_total counts them all)",
            metadata: ["threads": "\(counts.threads)", "queued": "\(counts.queued)"])
    }

    /// The pool's threads and rescues, once installed (nil: Dispatch runs the jobs).
    static var counts: WorkerPool<UnownedJob>.Counts? {
        hr_enqueue_global_hook() == nil ? nil : pool.counts
    }

    /// The pool's width: the online CPUs, at least two (Swift's cooperative pool on Dispatch
    /// is as wide as the machine's CPUs).
    private static func width() -> Int { max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Runs `job` as Dispatch's global executor does: on the generic executor, the all-zero
    /// executor reference (`SerialExecutorRef::generic()` in the runtime).
    private static func runOnGenericExecutor(_ job: UnownedJob) {
        swiftJobRun(job, unsafeBitCast((0, 0) as (Int, Int), to: UnownedSerialExecutor.self))
    }
}

/// The runtime's entry point for running a job (the standard library declares it the same way).
@_silgen_name("swift_job_run")
private func swiftJobRun(_ job: UnownedJob, _ executor: UnownedSerialExecutor)
