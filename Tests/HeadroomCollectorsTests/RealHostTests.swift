import Foundation
import HeadroomCollectors
import HeadroomCore
import Testing

/// Every collector against this machine's real `/`, checking invariants rather than
/// values (which change by the millisecond and differ between machines).
@Suite("Collectors on this machine")
struct RealHostTests {
    static let collectors = CollectorCatalog.make(settings: CollectorSettings(), files: RootedSystemFiles(root: "/"))

    static func collect(_ name: String) throws(CollectorError) -> [Sample] {
        guard let collector = collectors.first(where: { $0.name == name }) else { throw .failed("no \(name)") }
        return try collector.collect()
    }

    @Test("cpu: one line per online CPU, counters only move forward")
    func cpu() throws {
        let first = try Self.collect("cpu")
        #expect(first.value("cpu_count") == Double(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let modes = first.filter { $0.name == "cpu_seconds_total" && $0.labels["cpu"] == "all" }.compactMap { $0.labels["mode"] }
        #expect(modes.count >= 4 && modes == Array(ProcStat.modes.prefix(modes.count)))
        let second = try Self.collect("cpu")
        for sample in first where sample.kind == .counter {
            let later = try #require(second.first { $0.key == sample.key })
            #expect(later.value >= sample.value, "\(sample.key)")
        }
    }

    @Test("memory: a total, available within it, used the difference")
    func memory() throws {
        let samples = try Self.collect("memory")
        let total = try #require(samples.value("memory_total_bytes"))
        let available = try #require(samples.value("memory_available_bytes"))
        #expect(total > 0 && available >= 0 && available <= total)
        #expect(samples.value("memory_used_bytes") == total - available)
        let percent = try #require(samples.value("memory_used_percent"))
        #expect(percent >= 0 && percent <= 100)
    }

    @Test("load: this process is one of the tasks")
    func load() throws {
        let samples = try Self.collect("load")
        #expect((samples.value("processes_total") ?? 0) >= 1)
        #expect((samples.value("load1") ?? -1) >= 0)
    }

    /// This process's cgroup as the kernel states it, read with Foundation (not the code under test).
    static let ownCgroup: [String: String] = {
        let text = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            for controller in parts[1].split(separator: ",") { out[String(controller)] = String(parts[2]) }
            if parts[1].isEmpty { out[""] = String(parts[2]) }
        }
        return out
    }()

    @Test("cgroup: finds this process's own cgroup (v1 memory on a hybrid host such as the CI machine)")
    func cgroup() throws {
        guard !Self.ownCgroup.isEmpty else {
            // No cgroups on this host: the collector must say so rather than report nothing.
            guard case .unavailable = caught({ () throws(CollectorError) in try Self.collect("cgroup") }) else {
                Issue.record("no /proc/self/cgroup entries, yet the cgroup collector did not say unavailable")
                return
            }
            return
        }
        let samples = try Self.collect("cgroup")
        let labels = try #require(samples.first?.labels)
        #expect(samples.allSatisfy { $0.labels == labels })
        if let memory = Self.ownCgroup["memory"], FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/memory.usage_in_bytes") {
            #expect(labels == ["cgroup": memory, "version": "v1"])
            if memory != "/" {
                let usage = try #require(samples.value("container_memory_usage_bytes"))
                #expect(usage > 0)
                #expect(samples.value("container_memory_working_set_bytes").map { $0 <= usage } == true)
            }
        } else {
            #expect(labels["version"] == "v2")
        }
        // Limited or not, it says which, and only a real limit gets a percentage.
        let limited = try #require(samples.value("container_memory_limited"))
        #expect(samples.has("container_memory_used_percent") == (limited == 1))
        #expect(samples.has("container_cpu_limited"))
    }

    @Test("pressure: host-wide samples for cpu, memory and io where the kernel has PSI")
    func pressure() throws {
        guard FileManager.default.fileExists(atPath: "/proc/pressure/memory") else {
            guard case .unavailable = caught({ () throws(CollectorError) in try Self.collect("pressure") }) else {
                Issue.record("no /proc/pressure, yet the collector did not say unavailable")
                return
            }
            return
        }
        let samples = try Self.collect("pressure")
        for resource in ["cpu", "memory", "io"] {
            #expect(samples.value("pressure_avg10_percent", ["resource": resource, "kind": "some", "scope": "host"]) != nil, "\(resource)")
        }
        #expect(samples.allSatisfy { (0...100).contains($0.value) || $0.name == "pressure_stall_seconds_total" })
    }
}
