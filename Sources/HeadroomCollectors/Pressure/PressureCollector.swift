public import HeadroomCore
import Synchronization

/// Pressure stall information: host-wide from `/proc/pressure/{cpu,memory,io}` and, on
/// cgroup v2, for this process's own cgroup from `{cpu,memory,io}.pressure`.
public final class PressureCollector: Collector {
    public let name = "pressure"
    private let files: any SystemFiles
    private let cgroupPath: String?
    private let location = Mutex<CgroupLocation??>(nil)

    /// What to tell someone whose kernel has no PSI (node_exporter gives the same advice).
    public static let remedy = "PSI is not available: it needs Linux 4.20+ built with CONFIG_PSI=y; if it is built but disabled (CONFIG_PSI_DEFAULT_DISABLED), boot with psi=1"

    public init(files: any SystemFiles, cgroupPath: String? = nil) {
        self.files = files
        self.cgroupPath = cgroupPath
    }

    public func collect() throws(CollectorError) -> [Sample] {
        var samples: [Sample] = []
        for resource in ["cpu", "memory", "io"] {
            let path = "/proc/pressure/" + resource
            let bytes: [UInt8]?
            do {
                bytes = try files.read(path)
            } catch {
                if case .unavailable = error { throw .unavailable("\(Self.remedy) (\(error))") }
                throw error
            }
            guard let bytes else { continue }
            samples += try PressureStall.parse(bytes, labels: Labels([("resource", resource), ("scope", "host")]), path: files.describe(path))
        }
        if samples.isEmpty { throw .unavailable("\(Self.remedy) (\(files.describe("/proc/pressure")) does not exist)") }
        samples += containerSamples()
        return samples
    }

    /// The cgroup's own PSI; skipped silently where it does not exist (v1, root cgroup).
    private func containerSamples() -> [Sample] {
        let cached = location.withLock { $0 }
        let resolved: CgroupLocation?
        if let cached {
            resolved = cached
        } else {
            resolved = try? CgroupDiscovery.locate(files: files, override: cgroupPath)
            location.withLock { $0 = .some(resolved) }
        }
        guard let resolved, let directory = resolved.unified, !resolved.unifiedIsHostLevel else { return [] }
        var out: [Sample] = []
        for resource in ["cpu", "memory", "io"] {
            let path = directory + "/" + resource + ".pressure"
            guard let bytes = try? files.read(path),
                  let parsed = try? PressureStall.parse(bytes, labels: Labels([("resource", resource), ("scope", "container"), ("cgroup", resolved.path)]), path: path)
            else { continue }
            out += parsed
        }
        return out
    }
}
