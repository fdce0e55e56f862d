/// Where this process's cgroup lives: parsed from `/proc/self/cgroup` and
/// `/proc/self/mountinfo` (pure), then resolved against the files that exist.
public struct CgroupLocation: Sendable, Hashable {
    /// `v2` (unified only) or `v1` (legacy or hybrid).
    public var version: String
    /// The cgroup path as the process sees it (`/docker/abc`, `/` in a cgroup namespace); the `cgroup` label.
    public var path: String
    /// Directory of the v2 (unified) cgroup, if any.
    public var unified: String?
    /// Directories of v1 controllers: `memory`, `cpu`, `cpuacct`, `pids`.
    public var controllers: [String: String]
    /// v1 controllers whose directory is the root of their hierarchy: the whole host, not a container.
    public var hostLevelControllers: Set<String> = []
    /// The v2 directory is the real root cgroup (no `cgroup.type`): the host, not a container.
    public var unifiedIsHostLevel = false
}

/// Pure parsers for cgroup discovery.
public enum CgroupDiscovery {
    /// One line of `/proc/self/cgroup`: `hierarchy:controllers:path`.
    public struct Membership: Sendable, Hashable {
        public var controllers: [String]
        public var path: String
    }

    /// One cgroup mount from `/proc/self/mountinfo`.
    public struct Mount: Sendable, Hashable {
        /// The mount's root inside the hierarchy (`/` normally, `/docker/abc` for a bind of a sub-tree).
        public var root: String
        public var mountPoint: String
        /// `cgroup2`, or `cgroup` with these controllers.
        public var isUnified: Bool
        public var controllers: [String]
    }

    /// Parses `/proc/self/cgroup`.
    public static func memberships(_ bytes: [UInt8], path: String = "/proc/self/cgroup") throws(CollectorError) -> [Membership] {
        var out: [Membership] = []
        for (number, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n").enumerated() {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, fields[2].hasPrefix("/") else {
                throw .failed("\(path): line \(number + 1) is not hierarchy:controllers:path: \"\(line.prefix(80))\"")
            }
            out.append(Membership(controllers: fields[1].split(separator: ",").map(String.init), path: String(fields[2])))
        }
        if out.isEmpty { throw .failed("\(path) is empty") }
        return out
    }

    /// The cgroup mounts listed in `/proc/self/mountinfo`.
    public static func mounts(_ bytes: [UInt8]) -> [Mount] {
        var out: [Mount] = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " - ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let before = parts[0].split(separator: " ")
            let after = parts[1].split(separator: " ")
            guard before.count >= 5, after.count >= 3 else { continue }
            let type = after[0]
            guard type == "cgroup" || type == "cgroup2" else { continue }
            let options = after[2].split(separator: ",").map(String.init)
            let known: Set<String> = ["memory", "cpu", "cpuacct", "pids", "cpuset", "blkio", "io", "devices", "freezer", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc"]
            out.append(Mount(
                root: unescape(String(before[3])), mountPoint: unescape(String(before[4])),
                isUnified: type == "cgroup2", controllers: options.filter { known.contains($0) }))
        }
        return out
    }

    /// mountinfo escapes spaces and friends as `\040`.
    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\\", let end = text.index(index, offsetBy: 4, limitedBy: text.endIndex),
               let code = UInt8(text[text.index(after: index)..<end], radix: 8) {
                out.append(Character(Unicode.Scalar(code)))
                index = end
            } else {
                out.append(text[index])
                index = text.index(after: index)
            }
        }
        return out
    }

    /// The directory for `path` under `mount`: the mount point plus the part of the path
    /// below the mount's root; nil when the path is not below it.
    static func directory(for path: String, in mount: Mount) -> String? {
        let relative: Substring
        if mount.root == "/" {
            relative = Substring(path)
        } else if path == mount.root || path.hasPrefix(mount.root + "/") {
            relative = path.dropFirst(mount.root.count)
        } else {
            return nil
        }
        let trimmed = relative.drop { $0 == "/" }
        return trimmed.isEmpty ? mount.mountPoint : mount.mountPoint + "/" + trimmed
    }

    /// Resolves this process's cgroup directories, checking each candidate exists.
    /// Falls back to the conventional `/sys/fs/cgroup` layout when mountinfo is missing
    /// or names directories that cannot be seen (a different mount namespace or root),
    /// and to the mount root when the path is not visible (a cgroup namespace mismatch).
    static func locate(files: any SystemFiles, override: String?) throws(CollectorError) -> CgroupLocation {
        guard let selfCgroup = try files.read("/proc/self/cgroup") else {
            throw .unavailable("\(files.describe("/proc/self/cgroup")) does not exist: no cgroup information on this host")
        }
        var members = try memberships(selfCgroup, path: files.describe("/proc/self/cgroup"))
        if let override {
            members = members.map { Membership(controllers: $0.controllers, path: override) }
        }
        var mountList = (try? files.read("/proc/self/mountinfo")).flatMap { $0 }.map(mounts) ?? []
        mountList.removeAll { !files.exists($0.mountPoint) }

        func resolve(_ path: String, mount: Mount?, fallback: String) -> String? {
            if let mount {
                if let directory = directory(for: path, in: mount), files.exists(directory) { return directory }
                if files.exists(mount.mountPoint) { return mount.mountPoint }
            }
            let candidate = path == "/" ? fallback : fallback + path
            if files.exists(candidate) { return candidate }
            return files.exists(fallback) ? fallback : nil
        }

        var controllers: [String: String] = [:]
        var unified: String?
        var labelPath: String?
        let v1 = members.filter { !$0.controllers.isEmpty }
        for member in v1 {
            for controller in member.controllers where ["memory", "cpu", "cpuacct", "pids"].contains(controller) {
                let mount = mountList.first { !$0.isUnified && $0.controllers.contains(controller) }
                let conventional = member.controllers.count > 1 && files.exists("/sys/fs/cgroup/" + member.controllers.joined(separator: ","))
                    ? "/sys/fs/cgroup/" + member.controllers.joined(separator: ",") : "/sys/fs/cgroup/" + controller
                if let directory = resolve(member.path, mount: mount, fallback: conventional) {
                    controllers[controller] = directory
                    if controller == "memory" { labelPath = member.path }
                }
            }
        }
        if let member = members.first(where: { $0.controllers.isEmpty }) {
            let mount = mountList.first { $0.isUnified }
            let fallback = files.exists("/sys/fs/cgroup/cgroup.controllers") ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified"
            unified = resolve(member.path, mount: mount, fallback: fallback)
            if controllers.isEmpty { labelPath = member.path }
        }
        // A legacy hierarchy mounted but with no controller we read counts as v2 when unified exists.
        let version = controllers["memory"] != nil || controllers["cpu"] != nil || controllers["cpuacct"] != nil ? "v1" : "v2"
        if version == "v2", unified == nil {
            throw .unavailable("no cgroup hierarchy with memory or cpu controllers is visible under \(files.describe("/sys/fs/cgroup"))")
        }
        // Decided once here rather than with a syscall per sample: only a v1 hierarchy's root
        // carries cgroup.sane_behavior, and only v2's real root lacks cgroup.type.
        var location = CgroupLocation(version: version, path: labelPath ?? members[0].path, unified: unified, controllers: controllers)
        location.hostLevelControllers = Set(controllers.filter { files.exists($0.value + "/cgroup.sane_behavior") }.keys)
        location.unifiedIsHostLevel = unified.map { !files.exists($0 + "/cgroup.type") } ?? true
        return location
    }
}
