import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

@Suite("PressureCollector")
struct PressureCollectorTests {
    static let line = "some avg10=1.00 avg60=2.00 avg300=3.00 total=4000000\nfull avg10=0.50 avg60=0.25 avg300=0.00 total=1000000\n"

    static func host(_ extra: [String: String] = [:]) -> [String: String] {
        var files = ["/proc/pressure/cpu": line, "/proc/pressure/memory": line, "/proc/pressure/io": line]
        files.merge(extra) { $1 }
        return files
    }

    @Test("a kernel without /proc/pressure is unavailable, with the remedy")
    func missing() {
        let error = caught { () throws(CollectorError) in try PressureCollector(files: InMemorySystemFiles([:], root: "/host")).collect() }
        guard case .unavailable(let reason) = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("PSI is not available: kernel 4.20+ with CONFIG_PSI=y is needed; if it is built but disabled, boot with psi=1"))
        #expect(reason.contains("/host/proc/pressure does not exist"))
    }

    @Test("files that refuse reads (EOPNOTSUPP, a kernel booted with psi=0) are unavailable too")
    func refused() {
        let files = InMemorySystemFiles(Self.host(), unsupported: ["/proc/pressure/memory"])
        let error = caught { () throws(CollectorError) in try PressureCollector(files: files).collect() }
        guard case .unavailable(let reason) = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("psi=1") && reason.contains("Operation not supported"))
    }

    @Test("a garbled host file fails, naming it")
    func garbled() {
        let files = InMemorySystemFiles(Self.host(["/proc/pressure/io": "some avg10=x\n"]), root: "/host")
        #expect(failure { () throws(CollectorError) in try PressureCollector(files: files).collect() }?.hasPrefix("/host/proc/pressure/io: line 1") == true)
    }

    @Test("the container's cgroup v2 pressure, labelled with scope and cgroup")
    func container() throws {
        let files = InMemorySystemFiles(
            Self.host([
                "/proc/self/cgroup": "0::/app.slice/api.service\n",
                "/sys/fs/cgroup/cgroup.controllers": "cpu memory io\n",
                "/sys/fs/cgroup/app.slice/api.service/cgroup.events": "populated 1\n",
                "/sys/fs/cgroup/app.slice/api.service/memory.pressure":
                    "some avg10=9.00 avg60=8.00 avg300=7.00 total=6\nfull avg10=5.00 avg60=4.00 avg300=3.00 total=2\n",
            ]))
        let samples = try PressureCollector(files: files).collect()
        #expect(samples.filter { $0.labels["scope"] == "host" }.count == 24)
        let container = samples.filter { $0.labels["scope"] == "container" }
        #expect(container.count == 8)
        #expect(container.allSatisfy { $0.labels["cgroup"] == "/app.slice/api.service" && $0.labels["resource"] == "memory" })
        #expect(container.value("pressure_avg10_percent", ["kind": "full"]) == 5)
        #expect(container.value("pressure_stall_seconds_total", ["kind": "some"]) == 0.000006)
    }

    @Test("no container part where it cannot exist: no cgroup information, the real root, v1 only, PSI off for the cgroup")
    func noContainer() throws {
        let layouts: [[String: String]] = [
            [:],
            ["/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/cgroup.controllers": "cpu\n", "/sys/fs/cgroup/cpu.pressure": Self.line],
            ["/proc/self/cgroup": "4:memory:/docker/a\n", "/sys/fs/cgroup/memory/docker/a/memory.usage_in_bytes": "1\n"],
            ["/proc/self/cgroup": "0::/a\n", "/sys/fs/cgroup/cgroup.controllers": "cpu\n", "/sys/fs/cgroup/a/cgroup.type": "domain\n"],
        ]
        for layout in layouts {
            let samples = try PressureCollector(files: InMemorySystemFiles(Self.host(layout))).collect()
            #expect(samples.count == 24 && samples.allSatisfy { $0.labels["scope"] == "host" }, "\(layout)")
        }
        let off = InMemorySystemFiles(
            Self.host([
                "/proc/self/cgroup": "0::/a\n", "/sys/fs/cgroup/cgroup.controllers": "cpu\n",
                "/sys/fs/cgroup/a/cgroup.type": "domain\n",
            ]),
            unsupported: ["/sys/fs/cgroup/a/cpu.pressure"])
        #expect(try PressureCollector(files: off).collect().count == 24)
    }

    @Test("a garbled container pressure file fails the collector, naming it")
    func garbledContainer() {
        let files = InMemorySystemFiles(
            Self.host([
                "/proc/self/cgroup": "0::/a\n", "/sys/fs/cgroup/cgroup.controllers": "cpu\n",
                "/sys/fs/cgroup/a/cgroup.type": "domain\n", "/sys/fs/cgroup/a/io.pressure": "\u{1}\u{2}junk\n",
            ]))
        #expect(
            failure { () throws(CollectorError) in try PressureCollector(files: files).collect() }?.hasPrefix("/sys/fs/cgroup/a/io.pressure: line 1") == true)
    }
}
