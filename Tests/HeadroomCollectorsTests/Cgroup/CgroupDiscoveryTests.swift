import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

@Suite("CgroupDiscovery")
struct CgroupDiscoveryTests {
    typealias Directory = CgroupLocation.Directory

    @Test("/proc/self/cgroup of a hybrid host: v1 lines with controllers, the unified line with none")
    func memberships() throws {
        let text = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/235b\n3:cpu,cpuacct:/docker/a:b\n0::/\n"
        let members = try CgroupDiscovery.memberships(text.bytes)
        #expect(
            members == [
                .init(hierarchy: 9, controllers: ["name=systemd"], path: "/"),
                .init(hierarchy: 8, controllers: ["pids"], path: "/"),
                .init(hierarchy: 4, controllers: ["memory"], path: "/process_api/235b"),
                .init(hierarchy: 3, controllers: ["cpu", "cpuacct"], path: "/docker/a:b"), // colons stay in the path
                .init(hierarchy: 0, controllers: [], path: "/"),
            ])
        #expect(members.map(\.isUnified) == [false, false, false, false, true])
    }

    static let badMemberships: [(text: String, message: String)] = [
        ("memory:/a\n", "line 1 is not hierarchy-id:controllers:path"),
        ("x:memory:/a\n", "line 1 is not hierarchy-id:controllers:path"),
        ("4:memory:a\n", "does not start with /"),
        ("\n", "no hierarchy-id:controllers:path lines"),
        ("0::/a\n0::/b", "cut off"),
    ]

    @Test("a garbled /proc/self/cgroup fails, naming it", arguments: badMemberships)
    func rejectsBadMemberships(text: String, message: String) {
        let error = failure { () throws(CollectorError) in try CgroupDiscovery.memberships(text.bytes, path: "/host/proc/self/cgroup") }
        #expect(error?.hasPrefix("/host/proc/self/cgroup: ") == true && error?.contains(message) == true, "\(error ?? "accepted")")
    }

    @Test("mountinfo: only cgroup mounts, optional fields skipped, octal escapes undone")
    func mounts() {
        let text = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            35 31 0:32 /docker/x /sys/fs/cgroup/memory rw,relatime shared:5 master:1 - cgroup cgroup rw,memory
            36 31 0:33 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
            41 31 0:38 / /sys/fs/cgroup/unified\\040dir rw,relatime - cgroup2 cgroup2 rw,nsdelegate
            garbage line
            42 31 0:39 / /x rw - cgroup

            """
        #expect(
            CgroupDiscovery.mounts(text.bytes) == [
                .init(root: "/docker/x", mountPoint: "/sys/fs/cgroup/memory", isUnified: false, options: ["rw", "memory"]),
                .init(root: "/", mountPoint: "/sys/fs/cgroup/cpu,cpuacct", isUnified: false, options: ["rw", "cpu", "cpuacct"]),
                .init(root: "/", mountPoint: "/sys/fs/cgroup/unified dir", isUnified: true, options: ["rw", "nsdelegate"]),
            ])
    }

    @Test("a path is resolved below the part of the hierarchy a mount shows")
    func directory() {
        let whole = CgroupDiscovery.Mount(root: "/", mountPoint: "/sys/fs/cgroup/memory", isUnified: false)
        let subtree = CgroupDiscovery.Mount(root: "/docker/x", mountPoint: "/sys/fs/cgroup/memory", isUnified: false)
        #expect(CgroupDiscovery.directory(for: "/docker/x", in: whole) == "/sys/fs/cgroup/memory/docker/x")
        #expect(CgroupDiscovery.directory(for: "/", in: whole) == "/sys/fs/cgroup/memory")
        #expect(CgroupDiscovery.directory(for: "/docker/x", in: subtree) == "/sys/fs/cgroup/memory")
        #expect(CgroupDiscovery.directory(for: "/docker/x/y", in: subtree) == "/sys/fs/cgroup/memory/y")
        #expect(CgroupDiscovery.directory(for: "/docker/xy", in: subtree) == nil)
    }

    // MARK: - locate

    static func locate(_ files: [String: String], override: String? = nil) throws(CollectorError) -> CgroupLocation {
        try CgroupDiscovery.locate(files: InMemorySystemFiles(files), override: override)
    }

    @Test("v2 in a cgroup namespace: / is this container's cgroup, not the host's root")
    func namespacedV2() throws {
        let location = try Self.locate([
            "/proc/self/cgroup": "0::/\n",
            "/proc/self/mountinfo": "1006 1005 0:28 / /sys/fs/cgroup ro - cgroup2 cgroup rw\n",
            "/sys/fs/cgroup/cgroup.type": "domain\n",
            "/proc/meminfo": "MemTotal: 1024 kB\nMemFree: 0 kB\n",
        ])
        #expect(location == CgroupLocation(version: .v2, cgroup: "/", unified: Directory("/sys/fs/cgroup"), hostMemoryTotal: 1_048_576))
    }

    @Test("v2 on a bare host: the real root (no cgroup.type, no cgroup.events)")
    func bareV2() throws {
        let location = try Self.locate(["/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cgroup.controllers": "cpu memory\n"])
        #expect(location.unified == Directory("/sys/fs/cgroup", isHierarchyRoot: true))
        #expect(location.labels == ["cgroup": "/", "version": "v2"])
    }

    @Test("the path from /proc/self/cgroup is not under the mount (namespace mismatch): the mount root is ours")
    func mismatch() throws {
        let location = try Self.locate([
            "/proc/self/cgroup": "0::/kubepods/burstable/pod1/abc\n",
            "/proc/self/mountinfo": "30 20 0:28 / /sys/fs/cgroup ro - cgroup2 cgroup rw\n",
            "/sys/fs/cgroup/cgroup.events": "populated 1\n",
        ])
        #expect(location.unified == Directory("/sys/fs/cgroup"))
        #expect(location.cgroup == "/kubepods/burstable/pod1/abc")
    }

    @Test("a hybrid host: v1 memory in a sub-cgroup, cpu and pids at their roots, unified at its root")
    func hybrid() throws {
        let location = try Self.locate([
            "/proc/self/cgroup": "8:pids:/\n4:memory:/process_api/a\n2:cpuacct:/\n1:cpu:/\n0::/\n",
            "/proc/self/mountinfo": """
            32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
            39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
            41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw

            """,
            "/sys/fs/cgroup/cpu/cgroup.sane_behavior": "0\n",
            "/sys/fs/cgroup/cpuacct/cgroup.sane_behavior": "0\n",
            "/sys/fs/cgroup/memory/cgroup.sane_behavior": "0\n",
            "/sys/fs/cgroup/memory/process_api/a/memory.usage_in_bytes": "1\n",
            "/sys/fs/cgroup/pids/cgroup.sane_behavior": "0\n",
            "/sys/fs/cgroup/unified/cgroup.controllers": "\n",
        ])
        #expect(
            location
                == CgroupLocation(
                    version: .v1, cgroup: "/process_api/a",
                    memory: Directory("/sys/fs/cgroup/memory/process_api/a"),
                    cpu: Directory("/sys/fs/cgroup/cpu", isHierarchyRoot: true),
                    cpuacct: Directory("/sys/fs/cgroup/cpuacct", isHierarchyRoot: true),
                    pids: Directory("/sys/fs/cgroup/pids", isHierarchyRoot: true),
                    unified: Directory("/sys/fs/cgroup/unified", isHierarchyRoot: true)))
    }

    @Test("without mountinfo, the conventional layout: co-mounted cpu,cpuacct, v1 paths below it")
    func conventional() throws {
        let location = try Self.locate([
            "/proc/self/cgroup": "4:memory:/docker/a\n3:cpu,cpuacct:/docker/a\n",
            "/sys/fs/cgroup/memory/docker/a/memory.usage_in_bytes": "1\n",
            "/sys/fs/cgroup/cpu,cpuacct/docker/a/cpuacct.usage": "1\n",
        ])
        #expect(location.memory == Directory("/sys/fs/cgroup/memory/docker/a"))
        #expect(location.cpu == Directory("/sys/fs/cgroup/cpu,cpuacct/docker/a"))
        #expect(location.cpuacct == location.cpu)
        #expect(location.unified == nil && location.version == .v1)
    }

    @Test("collectors.cgroup_path replaces the discovered path, and must exist")
    func override() throws {
        let files = [
            "/proc/self/cgroup": "0::/user.slice/me\n",
            "/sys/fs/cgroup/cgroup.controllers": "memory\n",
            "/sys/fs/cgroup/user.slice/me/cgroup.type": "domain\n",
            "/sys/fs/cgroup/system.slice/api.service/cgroup.type": "domain\n",
        ]
        let location = try Self.locate(files, override: "/system.slice/api.service")
        #expect(location.unified == Directory("/sys/fs/cgroup/system.slice/api.service"))
        #expect(location.cgroup == "/system.slice/api.service")
        let error = failure { () throws(CollectorError) in try Self.locate(files, override: "/system.slice/gone.service") }
        #expect(error?.contains("collectors.cgroup_path /system.slice/gone.service") == true, "\(error ?? "accepted")")
    }

    @Test("with an override, /proc/self/cgroup is not needed")
    func overrideWithoutSelf() throws {
        let location = try Self.locate(["/sys/fs/cgroup/cgroup.controllers": "memory\n", "/sys/fs/cgroup/a/cgroup.type": "domain\n"], override: "/a")
        #expect(location.unified == Directory("/sys/fs/cgroup/a"))
    }

    @Test("no cgroup information at all is unavailable; a garbled file fails")
    func nothing() {
        guard case .unavailable(let reason) = caught({ () throws(CollectorError) in try Self.locate([:]) }) else {
            Issue.record("expected unavailable")
            return
        }
        #expect(reason.contains("/proc/self/cgroup does not exist"))
        guard case .unavailable = caught({ () throws(CollectorError) in try Self.locate(["/proc/self/cgroup": "0::/\n"]) }) else {
            Issue.record("expected unavailable when nothing is mounted")
            return
        }
        #expect(failure { () throws(CollectorError) in try Self.locate(["/proc/self/cgroup": "\u{7F}ELF\n"]) }?.hasPrefix("/proc/self/cgroup: line 1") == true)
    }
}
