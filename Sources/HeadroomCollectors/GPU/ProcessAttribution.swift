/// Names GPU processes and finds their container, from `/proc/<pid>`.
///
/// NVML reports host PIDs. They are only meaningful here when Headroom shares the host's
/// PID namespace (runs on the host, `docker --pid=host`, Kubernetes `hostPID: true`) or
/// reads the host's `/proc` under `collectors.root`. Inside an isolated container a PID
/// from the driver either does not exist or is some other process; the command name the
/// driver gives is compared with `/proc/<pid>/comm` to tell the two apart.
struct ProcessAttribution {
    let files: any SystemFiles

    struct Result {
        var command: String
        var cgroup: String?
        var container: String?
        var podUID: String?
        var visible: Bool
    }

    static let hiddenReason =
        "the driver reports host PIDs, which are not visible here: Headroom does not share the host PID "
        + "namespace (docker run --pid=host, Kubernetes hostPID: true, or mount the host's /proc and set collectors.root)"

    /// A process as last described, keyed by its `comm` so a reused PID is noticed.
    struct Cached {
        var comm: [UInt8]?
        var result: Result
        /// Reads since `/proc/<pid>/comm` was last looked up (for a PID not visible here).
        var unchecked = 0
    }

    /// How often a PID that is not visible here is looked up again: every this many reads
    /// (rounds: the collector describes a PID once a round, however many GPUs it is on).
    /// A lookup that fails walks the path each time (`/proc` keeps no negative entries): in a
    /// container without the host's PIDs, where no process the driver lists is visible, that
    /// was 7 % of a 100 ms round's thread with one process on 8 GPUs. Such a PID only becomes visible if
    /// `/proc` changes under Headroom, so the answer may lag by this many reads.
    static let hiddenRecheckEvery = 10

    /// Describes `pid`, reusing `cached` when `/proc/<pid>/comm` is unchanged: the command
    /// line and cgroup of a running process do not change, and reading them (the kernel
    /// walks the process's memory and cgroup tree) costs ~20 µs a process.
    func describe(pid: Int, driverName: String?, cached: Cached?) -> Cached {
        if var cached, cached.comm == nil, cached.unchecked + 1 < Self.hiddenRecheckEvery {
            cached.unchecked += 1
            return cached
        }
        let commBytes = try? files.read("/proc/\(pid)/comm")
        if var cached, cached.comm == commBytes {
            cached.unchecked = 0
            return cached
        }
        return Cached(comm: commBytes, result: describe(pid: pid, driverName: driverName, commBytes: commBytes))
    }

    func describe(pid: Int, driverName: String?, commBytes: [UInt8]?) -> Result {
        let driverCommand = driverName.map(Self.basename)
        guard let commBytes else {
            return Result(command: driverCommand ?? "pid \(pid)", visible: false)
        }
        let comm = String(decoding: commBytes, as: UTF8.self).trimmingNewline
        if let driverCommand, !driverCommand.hasPrefix(comm), !comm.hasPrefix(String(driverCommand.prefix(15))) {
            // Same number, different process: a PID of another namespace.
            return Result(command: driverCommand, visible: false)
        }
        var command = driverCommand ?? comm
        if let cmdline = try? files.read("/proc/\(pid)/cmdline"), !cmdline.isEmpty {
            let parts = cmdline.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
            if let first = parts.first {
                let text = ([Self.basename(first)] + parts.dropFirst()).joined(separator: " ")
                command = text.count > 96 ? String(text.prefix(95)) + "…" : text
            }
        }
        var result = Result(command: command, visible: true)
        if let cgroupBytes = try? files.read("/proc/\(pid)/cgroup") {
            result.cgroup = Self.cgroupPath(String(decoding: cgroupBytes, as: UTF8.self))
            result.container = result.cgroup.flatMap(Self.containerID)
            result.podUID = result.cgroup.flatMap(Self.podUID)
        }
        return result
    }

    /// The unified (`0::`) path, else the v1 memory controller's.
    static func cgroupPath(_ text: String) -> String? {
        var memory: String?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0", fields[1].isEmpty { return String(fields[2]) }
            if fields[1].split(separator: ",").contains("memory") { memory = String(fields[2]) }
        }
        return memory
    }

    /// The first run of 64 hex digits in a cgroup path (docker-<id>.scope, cri-containerd-<id>,
    /// crio-<id>, libpod-<id>, /docker/<id>), shortened to Docker's 12.
    static func containerID(_ path: String) -> String? {
        var run = 0
        var start = path.startIndex
        var index = path.startIndex
        while index < path.endIndex {
            if path[index].isHexDigit {
                if run == 0 { start = index }
                run += 1
                if run == 64 { return String(path[start...].prefix(12)) }
            } else {
                run = 0
            }
            index = path.index(after: index)
        }
        return nil
    }

    /// The Kubernetes pod UID in a cgroup path: `/kubepods/burstable/pod<uid>/…` (cgroupfs
    /// driver) or `…/kubepods-burstable-pod<uid with _>.slice/…` (systemd driver).
    static func podUID(_ path: String) -> String? {
        guard path.contains("kubepods") else { return nil }
        var rest = Substring(path)
        while let range = rest.firstRange(of: "pod") {
            let candidate = rest[range.upperBound...].prefix(36)
            if candidate.count == 36, candidate.allSatisfy({ $0.isHexDigit || $0 == "-" || $0 == "_" }),
                candidate.filter({ $0 == "-" || $0 == "_" }).count == 4
            {
                return candidate.replacingUnderscores
            }
            rest = rest[range.upperBound...]
        }
        return nil
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

extension Substring {
    var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}

extension String {
    var trimmingNewline: String {
        var text = self
        while text.last == "\n" || text.last == "\0" { text.removeLast() }
        return text
    }
}
