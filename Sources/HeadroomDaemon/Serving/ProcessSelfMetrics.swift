import Foundation
import HeadroomCore

/// The daemon's own cost, read from `/proc/self` at scrape time (cheap: two small files),
/// under the names every Prometheus client library uses, and its task pool's threads.
enum ProcessSelfMetrics {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    static func families(startedAt: Date) -> [MetricFamily] {
        var out: [MetricFamily] = []
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            // Fields after the command name: state is field 3; utime 14, stime 15; rss 24.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 22, let user = Double(fields[11]), let system = Double(fields[12]), let rssPages = Double(fields[21]) {
                out.append(
                    MetricFamily(
                        name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.",
                        type: .counter, series: [.init(.none, (user + system) / ticksPerSecond)]))
                out.append(
                    MetricFamily(
                        name: "process_resident_memory_bytes", help: "Resident memory size in bytes.",
                        type: .gauge, series: [.init(.none, rssPages * pageSize)]))
            }
        }
        if let tasks = TaskThreads.counts {
            out.append(
                MetricFamily(
                    name: "headroom_task_threads", help: "Threads running Headroom's Swift concurrency tasks (the headroom-task pool).",
                    type: .gauge, series: [.init(.none, Double(tasks.threads))]))
            out.append(
                MetricFamily(
                    name: "headroom_task_thread_rescues_total",
                    help:
                        "Threads started because tasks waited \(TaskThreads.rescueAfter.headroomDescription) behind pool threads that all stayed busy (a task blocking its thread, or holding it that long).",
                    type: .counter, series: [.init(.none, Double(tasks.rescues))]))
        }
        out.append(
            MetricFamily(
                name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.",
                type: .gauge, series: [.init(.none, startedAt.timeIntervalSince1970)]))
        return out
    }
}
