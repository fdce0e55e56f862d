import HeadroomCore
import CLinuxShims
import Glibc
import HeadroomNotify

/// Threads that run queued work in the order it came: up to `width` of them, each started
/// only when work finds every other one busy, and each asleep in the kernel, with no timer,
/// while there is nothing to do. An idle pool wakes nobody.
///
/// Like Dispatch's pool, which it stands in for (`TaskThreads`), it does not let work that
/// blocks its thread starve the rest: when work has waited `rescueAfter` behind busy threads
/// and none of them took anything meanwhile, one more thread starts. Threads beyond `width`
/// end after `spareIdle` without work. Dispatch checks for that every second, whether work
/// waits or not; here the check runs only while work waits behind busy threads.
final class WorkerPool<Work>: @unchecked Sendable {
    /// What the pool holds: for tests, and the daemon's own metrics.
    struct Counts: Equatable {
        var threads: Int
        var idle: Int
        var queued: Int
        /// Threads started because work was stuck behind busy ones.
        var rescues: Int
    }

    private let name: String
    private let width: Int
    private let rescueAfter: Duration
    private let spareIdle: Duration
    private let perform: (Work) -> Void
    /// Told, on the rescuer's thread and outside the lock, the counts after each rescue.
    private let rescued: (@Sendable (Counts) -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Idle threads wait on it; signalled once per queued item while some wait.
    private let workArrived = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// The rescuer waits on it; signalled when work queues behind busy threads.
    private let workStuck = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    // Guarded by `mutex`.
    private var queue: [Work?] = []
    private var head = 0
    private var threads = 0
    private var idle = 0
    /// Idle threads already signalled, not yet awake: a second item must wake a second thread.
    private var signalled = 0
    /// Items taken off the queue so far: the rescuer's sign of progress.
    private var taken: UInt64 = 0
    private var rescuerStarted = false
    private var rescues = 0

    init(
        name: String, width: Int, rescueAfter: Duration = .milliseconds(50), spareIdle: Duration = .seconds(10),
        rescued: (@Sendable (Counts) -> Void)? = nil, perform: @escaping (Work) -> Void
    ) {
        precondition(width >= 1, "a pool needs at least one thread")
        self.name = name
        self.rescued = rescued
        self.width = width
        self.rescueAfter = rescueAfter
        self.spareIdle = spareIdle
        self.perform = perform
        pthread_mutex_init(mutex, nil)
        hr_cond_init_monotonic(workArrived)
        hr_cond_init_monotonic(workStuck)
    }

    /// Queues `work`; wakes an idle thread, or starts one, or tells the rescuer it waits.
    /// Safe from any thread, including the pool's own.
    func enqueue(_ work: Work) {
        pthread_mutex_lock(mutex)
        queue.append(work)
        var startThread = false
        var startRescuer = false
        if idle > signalled {
            signalled += 1
            pthread_cond_signal(workArrived)
        } else if threads < width {
            threads += 1
            startThread = true
        } else if rescuerStarted {
            pthread_cond_signal(workStuck)
        } else {
            rescuerStarted = true
            startRescuer = true
        }
        pthread_mutex_unlock(mutex)
        if startThread { startWorker() }
        if startRescuer { DetachedThread.start(name: "\(name)-rescue") { self.rescue() } }
    }

    var counts: Counts {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return Counts(threads: threads, idle: idle, queued: queue.count - head, rescues: rescues)
    }

    private func startWorker() {
        DetachedThread.start(name: name) { self.work() }
    }

    /// A pool thread: takes work until there is none, then sleeps until some arrives. A thread
    /// beyond `width` ends when it has had nothing to do for `spareIdle`.
    private func work() {
        pthread_mutex_lock(mutex)
        while true {
            if let item = take() {
                pthread_mutex_unlock(mutex)
                perform(item)
                pthread_mutex_lock(mutex)
                continue
            }
            idle += 1
            if threads > width {
                let deadline = hr_monotonic_ns() + spareIdle.wholeNanoseconds
                let status = hr_cond_wait_until(workArrived, mutex, deadline)
                wokeUp()
                // Every spare times out alike: only those still beyond the width end.
                if status == ETIMEDOUT, queue.count == head, threads > width {
                    threads -= 1
                    pthread_mutex_unlock(mutex)
                    return
                }
            } else {
                pthread_cond_wait(workArrived, mutex)
                wokeUp()
            }
        }
    }

    /// Guarded by `mutex`.
    private func wokeUp() {
        idle -= 1
        if signalled > 0 { signalled -= 1 }
    }

    /// The next item, if any. Guarded by `mutex`.
    private func take() -> Work? {
        guard head < queue.count else { return nil }
        let item = queue[head].take()
        head += 1
        taken &+= 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: queue.count <= 256)
            head = 0
        } else if head >= 64, head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return item
    }

    /// The rescuer: sleeps until work waits behind busy threads; then, if none of them takes
    /// anything for `rescueAfter`, starts one more thread.
    private func rescue() {
        pthread_mutex_lock(mutex)
        while true {
            while !(queue.count > head && idle == signalled) { pthread_cond_wait(workStuck, mutex) }
            let progress = taken
            // More work queueing signals this condition too: wait out the whole interval.
            let deadline = hr_monotonic_ns() + rescueAfter.wholeNanoseconds
            while hr_monotonic_ns() < deadline { _ = hr_cond_wait_until(workStuck, mutex, deadline) }
            guard queue.count > head, idle == signalled, taken == progress else { continue }
            threads += 1
            rescues += 1
            let after = Counts(threads: threads, idle: idle, queued: queue.count - head, rescues: rescues)
            pthread_mutex_unlock(mutex)
            startWorker()
            rescued?(after)
            pthread_mutex_lock(mutex)
        }
    }

    deinit {
        // Only a pool that never started a thread gets here: its threads hold it for good.
        pthread_cond_destroy(workStuck)
        pthread_cond_destroy(workArrived)
        pthread_mutex_destroy(mutex)
        workStuck.deallocate()
        workArrived.deallocate()
        mutex.deallocate()
    }
}
