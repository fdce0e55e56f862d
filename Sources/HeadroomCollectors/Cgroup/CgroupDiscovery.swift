/// Finds this process's cgroup: pure parsers of `/proc/self/cgroup` and
/// `/proc/self/mountinfo`, and `locate`, which resolves them against the files that exist.
public enum CgroupDiscovery {
    /// The v1 controllers Headroom reads.
    static let controllers = ["memory", "cpu", "cpuacct", "pids"]

    /// One line of `/proc/self/cgroup`: `hierarchy-id:controllers:path`.
    public struct Membership: Sendable, Hashable {
        /// `0` for the unified (v2) hierarchy.
        public var hierarchy: Int64
        /// The v1 controllers of the hierarchy (`["cpu", "cpuacct"]`); empty for v2.
        public var controllers: [String]
        /// The cgroup's path relative to the hierarchy's root (`/docker/abc`, or `/`).
        public var path: String

        /// One membership line's values.
        public init(hierarchy: Int64, controllers: [String], path: String) {
            self.hierarchy = hierarchy
            self.controllers = controllers
            self.path = path
        }

        /// The unified hierarchy: id 0 and no controllers.
        public var isUnified: Bool { hierarchy == 0 && controllers.isEmpty }
    }

    /// One cgroup file system mount from `/proc/self/mountinfo`.
    public struct Mount: Sendable, Hashable {
        /// The part of the hierarchy mounted (`/` normally, `/docker/abc` when a container
        /// sees only its own sub-tree).
        public var root: String
        /// Where it is mounted (`/sys/fs/cgroup/memory`).
        public var mountPoint: String
        /// `cgroup2` rather than `cgroup`.
        public var isUnified: Bool
        /// The super options of a v1 mount, which name its controllers (`rw,cpu,cpuacct`).
        public var options: [String]

        /// One mount's values.
        public init(root: String, mountPoint: String, isUnified: Bool, options: [String] = []) {
            self.root = root
            self.mountPoint = mountPoint
            self.isUnified = isUnified
            self.options = options
        }
    }

    // MARK: - Pure parsers

    /// Parses `/proc/self/cgroup`. Throws `.failed` naming `path` for a truncated file or a
    /// line that is not `hierarchy-id:controllers:/path`.
    public static func memberships(_ bytes: [UInt8], path: String = "/proc/self/cgroup") throws(CollectorError) -> [Membership] {
        try ByteScanner.requireComplete(bytes, path: path)
        var scanner = ByteScanner(bytes)
        var out: [Membership] = []
        var lineNumber = 0
        while !scanner.atEnd {
            lineNumber += 1
            let line = scanner.restOfLine()
            if line.isEmpty { continue }
            let colons = scanner.bytes[line].indices.filter { scanner.bytes[$0] == 0x3A }.prefix(2)
            guard colons.count == 2, let hierarchy = scanner.count(line.lowerBound..<colons[colons.startIndex]) else {
                throw .failed("\(path): line \(lineNumber) is not hierarchy-id:controllers:path: \(scanner.excerpt(line))")
            }
            let first = colons[colons.startIndex]
            let second = colons[colons.startIndex + 1]
            // The path is the rest of the line: it may itself contain colons.
            let cgroupPath = (second + 1)..<line.upperBound
            guard cgroupPath.first.map({ scanner.bytes[$0] == 0x2F }) == true else {
                throw .failed("\(path): line \(lineNumber): the cgroup path \(scanner.excerpt(cgroupPath)) does not start with /")
            }
            let controllers = scanner.string((first + 1)..<second).split(separator: ",").map(String.init)
            out.append(Membership(hierarchy: hierarchy, controllers: controllers, path: scanner.string(cgroupPath)))
        }
        guard !out.isEmpty else { throw .failed("\(path): no hierarchy-id:controllers:path lines") }
        return out
    }

    /// The cgroup mounts in `/proc/self/mountinfo`. Lines that are not cgroup mounts, or
    /// cannot be read, are skipped: mountinfo is only a hint, and `locate` falls back to
    /// the conventional `/sys/fs/cgroup` layout without it.
    public static func mounts(_ bytes: [UInt8]) -> [Mount] {
        var scanner = ByteScanner(bytes)
        var out: [Mount] = []
        while !scanner.atEnd {
            // id parent major:minor root mount-point options [optional fields…] - type source super-options
            var fields: [Range<Int>] = []
            while let field = scanner.word() { fields.append(field) }
            scanner.skipLine()
            guard fields.count >= 5, let separator = fields.dropFirst(5).firstIndex(where: { scanner.equals($0, "-") }),
                separator + 3 < fields.count
            else { continue }
            let type = fields[separator + 1]
            let isUnified = scanner.equals(type, "cgroup2")
            guard isUnified || scanner.equals(type, "cgroup") else { continue }
            let options = scanner.string(fields[separator + 3]).split(separator: ",").map(String.init)
            out.append(
                Mount(
                    root: unescape(scanner.string(fields[3])), mountPoint: unescape(scanner.string(fields[4])),
                    isUnified: isUnified, options: options))
        }
        return out
    }

    /// mountinfo writes space, tab, newline and backslash as `\040`, `\011`, `\012`, `\134`.
    static func unescape(_ text: String) -> String {
        guard text.utf8.contains(0x5C) else { return text }
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == 0x5C, index + 3 < source.count,
                let code = UInt8(String(decoding: source[(index + 1)...(index + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(code)
                index += 4
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The directory of `path` under `mount`: the mount point plus the part of the path
    /// below the mount's root; nil when the path is not below that root.
    public static func directory(for path: String, in mount: Mount) -> String? {
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

    // MARK: - Resolution

    /// Resolves this process's cgroup directories, checking that each exists.
    ///
    /// - Mount points come from mountinfo, or the conventional `/sys/fs/cgroup` layout
    ///   when it is missing or names directories this root cannot see.
    /// - When the path from `/proc/self/cgroup` does not exist under a mount (a cgroup
    ///   namespace shows a different path than the mount, or a container sees only its own
    ///   sub-tree), the mount's root is this process's cgroup.
    /// - `override` (`collectors.cgroup_path`) replaces every path; it must exist.
    ///
    /// Throws `.unavailable` when there is no cgroup information at all, and `.failed` for
    /// a garbled `/proc/self/cgroup` or an override that exists nowhere.
    public static func locate(files: any SystemFiles, override: String?) throws(CollectorError) -> CgroupLocation {
        // /proc/self/cgroup first: without it (and without an override) there is nothing to
        // resolve, and the pressure collector asks again every round.
        let selfCgroup = try files.read("/proc/self/cgroup")
        if selfCgroup == nil, override == nil {
            throw .unavailable(
                "\(files.describe("/proc/self/cgroup")) does not exist, so this process's cgroup is unknown: the kernel has no cgroups, or /proc is not mounted under collectors.root"
            )
        }
        let mountList = ((try? files.readEntire("/proc/self/mountinfo")) ?? nil).map(mounts)?.filter { files.exists($0.mountPoint) } ?? []
        var members: [Membership]
        if let selfCgroup {
            members = try memberships(selfCgroup, path: files.describe("/proc/self/cgroup"))
        } else {
            // Told which cgroup to watch: only the hierarchies are needed, so take what is mounted.
            members = assumedMemberships(files: files, mounts: mountList)
        }
        if let override {
            members = members.map { Membership(hierarchy: $0.hierarchy, controllers: $0.controllers, path: override) }
        }

        func resolve(_ path: String, mounts: [Mount], conventional: [String], unified: Bool) -> CgroupLocation.Directory? {
            let found: String?
            if let first = mounts.first {
                if let directory = mounts.lazy.compactMap({ directory(for: path, in: $0) }).first(where: files.exists) {
                    found = directory
                } else {
                    found = override == nil ? first.mountPoint : nil
                }
            } else if let base = conventional.first(where: files.exists) {
                let directory = path == "/" ? base : base + path
                found = files.exists(directory) ? directory : (override == nil ? base : nil)
            } else {
                found = nil
            }
            guard let found else { return nil }
            // Only a v1 hierarchy's real root has cgroup.sane_behavior; every v2 cgroup but
            // the real root has cgroup.events (4.5+) and cgroup.type (4.14+). A container's
            // namespaced "/" is therefore not mistaken for the host.
            let isRoot =
                unified
                ? !files.exists(found + "/cgroup.events") && !files.exists(found + "/cgroup.type")
                : files.exists(found + "/cgroup.sane_behavior")
            return CgroupLocation.Directory(found, isHierarchyRoot: isRoot)
        }

        var v1: [String: (CgroupLocation.Directory, path: String)] = [:]
        for controller in controllers {
            guard let member = members.first(where: { $0.controllers.contains(controller) }) else { continue }
            let mounts = mountList.filter { !$0.isUnified && $0.options.contains(controller) }
            let joined = "/sys/fs/cgroup/" + member.controllers.joined(separator: ",")
            let conventional = member.controllers.count > 1 ? [joined, "/sys/fs/cgroup/" + controller] : ["/sys/fs/cgroup/" + controller]
            if let directory = resolve(member.path, mounts: mounts, conventional: conventional, unified: false) {
                v1[controller] = (directory, member.path)
            }
        }
        var unified: (CgroupLocation.Directory, path: String)?
        if let member = members.first(where: \.isUnified) {
            let mounts = mountList.filter(\.isUnified)
            let conventional = files.exists("/sys/fs/cgroup/cgroup.controllers") ? ["/sys/fs/cgroup"] : ["/sys/fs/cgroup/unified"]
            unified = resolve(member.path, mounts: mounts, conventional: conventional, unified: true).map { ($0, member.path) }
        }

        let labelPath = controllers.lazy.compactMap { v1[$0]?.path }.first ?? unified?.path
        guard let labelPath else {
            if let override {
                throw .failed(
                    "collectors.cgroup_path \(override) exists under no cgroup mount (looked under \(files.describe("/sys/fs/cgroup"))); give the path relative to the cgroup mount, e.g. /docker/abc"
                )
            }
            throw .unavailable(
                "no cgroup hierarchy is mounted under \(files.describe("/sys/fs/cgroup")) for this process's cgroup; mount cgroupfs there, or point collectors.root at the host's file systems"
            )
        }
        let hostMemoryTotal = ((try? files.read("/proc/meminfo")) ?? nil).flatMap { try? MemInfo.parse($0, path: files.describe("/proc/meminfo")) }?.total
        return CgroupLocation(
            version: v1.isEmpty ? .v2 : .v1, cgroup: labelPath,
            memory: v1["memory"]?.0, cpu: v1["cpu"]?.0, cpuacct: v1["cpuacct"]?.0, pids: v1["pids"]?.0,
            unified: unified?.0, hostMemoryTotal: hostMemoryTotal)
    }

    /// Memberships for every mounted hierarchy, used with an override when
    /// `/proc/self/cgroup` is missing.
    private static func assumedMemberships(files: any SystemFiles, mounts: [Mount]) -> [Membership] {
        var out: [Membership] = []
        if mounts.isEmpty {
            if files.exists("/sys/fs/cgroup/cgroup.controllers") || files.exists("/sys/fs/cgroup/unified") {
                out.append(Membership(hierarchy: 0, controllers: [], path: "/"))
            }
            for controller in controllers where files.exists("/sys/fs/cgroup/" + controller) {
                out.append(Membership(hierarchy: 1, controllers: [controller], path: "/"))
            }
            return out
        }
        for mount in mounts {
            out.append(
                Membership(
                    hierarchy: mount.isUnified ? 0 : 1,
                    controllers: mount.isUnified ? [] : mount.options.filter(controllers.contains), path: "/"))
        }
        return out
    }
}
