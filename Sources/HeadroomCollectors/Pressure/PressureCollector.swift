public import HeadroomCore
import Synchronization

/// Pressure stall information: host-wide from `/proc/pressure/{cpu,memory,io}`, and for
/// this process's cgroup from its v2 `{cpu,memory,io}.pressure` files where they exist.
///
/// The real root cgroup's pressure files repeat `/proc/pressure` exactly, so they are not
/// reported again as a container's (a rule on memory pressure would otherwise fire twice).
public final class PressureCollector: Collector {
    /// `pressure`.
    public let name = "pressure"
    /// Where the cgroup is; shared with the cgroup collector by `CollectorCatalog`.
    public let locator: CgroupLocator
    private let containerLabels = Mutex<(cgroup: String, labels: [Labels])?>(nil)
    private var files: any SystemFiles { locator.files }

    /// What to do on a kernel without PSI (the advice node_exporter gives).
    public static let remedy = "PSI is not available: kernel 4.20+ with CONFIG_PSI=y is needed; if it is built but disabled, boot with psi=1"

    static let resources = ["cpu", "memory", "io"]
    /// The host files, spelled out once rather than concatenated every round.
    private static let hostPaths = resources.map { "/proc/pressure/" + $0 }
    /// `{kind, resource, scope="host"}` for some and full of each resource, built once.
    private static let hostLabels: [Labels] = resources.flatMap { resource in
        ["some", "full"].map { Labels([("kind", $0), ("resource", resource), ("scope", "host")]) }
    }

    /// Reads through `files`; the container part follows `cgroupPath` when given.
    public init(files: any SystemFiles, cgroupPath: String? = nil) {
        locator = CgroupLocator(files: files, cgroupPath: cgroupPath)
    }

    /// Reads the container part from the cgroup `locator` finds.
    public init(locator: CgroupLocator) {
        self.locator = locator
    }

    /// Host PSI, then the container's; unavailable (with the remedy) when the host has none.
    public func collect() throws(CollectorError) -> [Sample] {
        var samples: [Sample] = []
        samples.reserveCapacity(48)
        for (index, path) in Self.hostPaths.enumerated() {
            let bytes: [UInt8]?
            do {
                bytes = try files.read(path)
            } catch {
                // Read refused (EOPNOTSUPP): PSI is compiled in but switched off.
                if case .unavailable(let reason) = error { throw .unavailable("\(Self.remedy) (\(reason))") }
                throw error
            }
            guard let bytes else { continue }
            let stall = try PressureStall.parse(bytes, path: files.describe(path))
            stall.append(to: &samples, some: Self.hostLabels[index * 2], full: Self.hostLabels[index * 2 + 1])
        }
        if samples.isEmpty {
            throw .unavailable("\(Self.remedy) (\(files.describe("/proc/pressure")) does not exist)")
        }
        try appendContainer(to: &samples)
        return samples
    }

    /// The cgroup's own PSI. Skipped without a word where it does not exist (v1-only
    /// hosts, PSI switched off per cgroup); a garbled file still fails the collector.
    private func appendContainer(to samples: inout [Sample]) throws(CollectorError) {
        guard let location = try? locator.location(), let directory = location.unified, !directory.isHierarchyRoot else { return }
        let labels = labelSets(for: location.cgroup)
        var found = false
        for (index, resource) in Self.resources.enumerated() {
            let path = directory.path + "/" + resource + ".pressure"
            let bytes: [UInt8]?
            do {
                bytes = try files.read(path)
            } catch {
                // Pressure accounting switched off for this cgroup (cgroup.pressure = 0).
                if case .unavailable = error { continue }
                throw error
            }
            guard let bytes else { continue }
            found = true
            let stall = try PressureStall.parse(bytes, path: files.describe(path))
            stall.append(to: &samples, some: labels[index * 2], full: labels[index * 2 + 1])
        }
        // The cgroup went away: find it again next round.
        if !found, !files.exists(directory.path) { locator.forget() }
    }

    /// `{cgroup, kind, resource, scope="container"}` label sets, rebuilt only when the cgroup changes.
    private func labelSets(for cgroup: String) -> [Labels] {
        containerLabels.withLock { cached in
            if let cached, cached.cgroup == cgroup { return cached.labels }
            let labels = Self.resources.flatMap { resource in
                ["some", "full"].map { Labels([("cgroup", cgroup), ("kind", $0), ("resource", resource), ("scope", "container")]) }
            }
            cached = (cgroup, labels)
            return labels
        }
    }
}
