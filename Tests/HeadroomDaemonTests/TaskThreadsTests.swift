import Dispatch
import Foundation
import Glibc
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Synchronization
import Testing

@testable import HeadroomDaemon

/// A gate work blocks on until the test opens it.
private final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    /// Lets every passer through, now and later.
    func open() { semaphore.signal() }
    /// Blocks until opened; each passer lets the next one through.
    func pass() {
        semaphore.wait()
        semaphore.signal()
    }
}

/// How many of this process's threads carry `name` (`/proc/self/task/*/comm`).
private func liveThreads(named name: String) -> Int {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.filter { tid in
        (try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == name
    }.count
}

/// Polls `condition` until it holds, for at most `seconds`: liveness, never a timing figure.
private func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(2000)
    }
    return true
}

@Suite("Worker pool")
struct WorkerPoolTests {
    private typealias Pool = WorkerPool<@Sendable () -> Void>

    private func pool(
        width: Int, spareIdle: Duration = .seconds(10), name: String = "test-pool", rescued: (@Sendable (Pool.Counts) -> Void)? = nil
    ) -> Pool {
        Pool(name: name, width: width, rescueAfter: .milliseconds(20), spareIdle: spareIdle, rescued: rescued) { $0() }
    }

    @Test("one thread runs its work in the order it came")
    func ordered() {
        let pool = pool(width: 1)
        let seen = Mutex<[Int]>([])
        for index in 0..<200 { pool.enqueue { seen.withLock { $0.append(index) } } }
        #expect(eventually { seen.withLock { $0.count } == 200 })
        #expect(seen.withLock { $0 } == Array(0..<200))
        #expect(pool.counts.threads == 1)
    }

    @Test("threads start only when work finds the others busy, up to the width")
    func lazyThreads() {
        let pool = pool(width: 3)
        #expect(pool.counts.threads == 0)
        let done = Mutex(0)
        for index in 1...50 {
            pool.enqueue { done.withLock { $0 += 1 } }
            // Run, and its thread back asleep, before the next.
            #expect(eventually { done.withLock { $0 } == index && pool.counts.idle == pool.counts.threads })
        }
        // One at a time: the first thread was idle each time, so no other started.
        #expect(pool.counts.threads == 1)
        let gate = Gate()
        for _ in 0..<3 { pool.enqueue { gate.pass() } }
        #expect(eventually { pool.counts.threads == 3 && pool.counts.queued == 0 })
        gate.open()
        #expect(eventually { pool.counts.idle == 3 })
        #expect(pool.counts.rescues == 0)
    }

    @Test("work behind threads that all block gets a thread of its own, and the rescue is reported")
    func rescue() {
        let reported = Mutex<[Pool.Counts]>([])
        let pool = pool(width: 2) { counts in reported.withLock { $0.append(counts) } }
        let gate = Gate()
        for _ in 0..<2 { pool.enqueue { gate.pass() } }
        let ran = Mutex(false)
        pool.enqueue { ran.withLock { $0 = true } }
        #expect(eventually { ran.withLock { $0 } }, "work stuck behind two blocked threads never ran")
        let counts = pool.counts
        #expect(counts.rescues == 1)
        #expect(counts.threads == 3)
        #expect(eventually { reported.withLock { $0.map(\.rescues) } == [1] })
        #expect(reported.withLock { $0.first?.threads } == 3)
        gate.open()
    }

    @Test("rescues are logged at 1, 2, 4, 8… (a stuck task can cause one every 50 ms)")
    func rescueLogCadence() {
        #expect((0...17).filter(TaskThreads.logs(rescue:)) == [1, 2, 4, 8, 16])
    }

    @Test("rescue threads end once they have had nothing to do, down to the width and no further")
    func sparesEnd() {
        // A name of its own, so that its threads can be counted in /proc.
        let name = "tp-\(UInt32.random(in: 0...UInt32.max))"
        let pool = pool(width: 1, spareIdle: .milliseconds(50), name: name)
        let gate = Gate()
        // Three blocked threads: the first, then two rescues.
        for _ in 0..<3 { pool.enqueue { gate.pass() } }
        let ran = Mutex(false)
        pool.enqueue { ran.withLock { $0 = true } }
        #expect(eventually { ran.withLock { $0 } })
        #expect(pool.counts.threads == 4)
        gate.open()
        // All four go idle together and their waits run out alike. Settled: every counted
        // thread asleep, every uncounted one gone, no more than the width left.
        #expect(
            eventually {
                let counts = pool.counts
                return counts.threads <= 1 && counts.idle == counts.threads && liveThreads(named: name) == counts.threads
            }, "never settled: \(pool.counts)")
        #expect(pool.counts.threads == 1, "the pool went below its width: \(pool.counts)")
        // The pool still works with its one thread.
        let again = Mutex(false)
        pool.enqueue { again.withLock { $0 = true } }
        #expect(eventually { again.withLock { $0 } })
    }

    @Test("work queued from the pool's own threads runs too")
    func fromInside() {
        let pool = pool(width: 2)
        let count = Mutex(0)
        @Sendable func spawn(_ depth: Int) {
            count.withLock { $0 += 1 }
            if depth > 0 {
                pool.enqueue { spawn(depth - 1) }
                pool.enqueue { spawn(depth - 1) }
            }
        }
        pool.enqueue { spawn(8) }
        #expect(eventually { count.withLock { $0 } == 511 })
    }
}

@Suite("Swift concurrency on Headroom's threads")
struct TaskThreadsTests {
    /// The names of a process's threads, from `/proc/PID/task/*/comm`.
    private func threadNames(_ pid: Int32) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").compactMap { tid in
            (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test("the real daemon runs its tasks on its own threads, none on Dispatch's monitored pool")
    func realDaemon() async throws {
        let daemon = try HeadroomProcess(
            ["run"], environment: ["HEADROOM_INTERVAL": "100ms", "HEADROOM_LOG_LEVEL": "debug", "HEADROOM_CHANNELS": "console"])
        defer { daemon.signal(SIGKILL) }
        // Serving, delivery and the services' tasks have all run by then.
        try await daemon.waitFor("ten rounds") { _, err in err.components(separatedBy: "round complete").count > 10 }
        let port = try await daemon.servingPort()
        let response = try await LiveHTTPTransport().send(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/metrics"), tls: TLSSettings(), timeout: .seconds(5))
        #expect(response.status == 200)
        let metrics = String(decoding: response.body, as: UTF8.self).split(separator: "\n")
        let threads = try #require(metrics.first { $0.hasPrefix("headroom_task_threads ") }, "no headroom_task_threads on /metrics")
        #expect((Double(threads.split(separator: " ").last ?? "") ?? 0) >= 1)
        #expect(metrics.contains { $0.hasPrefix("# TYPE headroom_task_thread_rescues_total counter") })
        let names = try threadNames(daemon.pid)
        #expect(names.contains("headroom-task"), "threads: \(names)")
        // Dispatch names its pool threads after their root queue's label, whose last 15 bytes
        // end in "-qos" for the pools its monitor watches (its overcommit pools, which
        // serial queues and signal sources use, end in ".overcommit" and are not watched).
        #expect(!names.contains { $0.hasSuffix("-qos") }, "a Swift job ran on Dispatch's pool: threads \(names)")
    }

    @Test("timed waits stay off Dispatch's pool too: the Alertmanager channel's resend loop, each second")
    func timedWaits() async throws {
        let directory = try TemporaryDirectory()
        // Nothing fires, so nothing is posted: the loop only sleeps, and wakes, every second.
        let config = try directory.write(
            "headroom.yaml", "interval: 100ms\nchannels:\n  - {type: alertmanager, url: \"http://127.0.0.1:9\", resend_interval: 1s}\n")
        let daemon = try HeadroomProcess(["run", "--config", config], environment: ["HEADROOM_LOG_LEVEL": "debug"])
        defer { daemon.signal(SIGKILL) }
        // Three seconds of rounds: the loop has slept through two resend intervals.
        try await daemon.waitFor("thirty rounds") { _, err in err.components(separatedBy: "round complete").count > 30 }
        let names = try threadNames(daemon.pid)
        #expect(names.contains("headroom-task"), "threads: \(names)")
        #expect(!names.contains { $0.hasSuffix("-qos") }, "a timed wait ended on Dispatch's pool: threads \(names)")
    }
}
