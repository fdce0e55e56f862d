import HeadroomCollectors
import HeadroomTesting
import Testing

@Suite("CollectorCatalog")
struct CollectorCatalogTests {
    @Test("one collector per name, in the documented order")
    func all() {
        let names = CollectorCatalog.make(settings: CollectorSettings(), files: InMemorySystemFiles([:])).map(\.name)
        #expect(names == ["cpu", "memory", "load", "cgroup", "pressure", "nvidia", "amdgpu"])
        #expect(names == CollectorName.allCases.map(\.rawValue))
    }

    @Test("disabled collectors are left out", arguments: [Set<CollectorName>(), [.load], [.cgroup, .pressure], Set(CollectorName.allCases)])
    func disabled(disabled: Set<CollectorName>) {
        let names = CollectorCatalog.make(settings: CollectorSettings(disabled: disabled), files: InMemorySystemFiles([:])).map(\.name)
        #expect(names == CollectorName.allCases.filter { !disabled.contains($0) }.map(\.rawValue))
    }

    @Test("the cgroup and pressure collectors share one locator, and with it the override")
    func shared() throws {
        let collectors = CollectorCatalog.make(settings: CollectorSettings(cgroupPath: "/a"), files: InMemorySystemFiles([:]))
        let cgroup = try #require(collectors.first { $0.name == "cgroup" } as? CgroupCollector)
        let pressure = try #require(collectors.first { $0.name == "pressure" } as? PressureCollector)
        #expect(cgroup.locator === pressure.locator)
        #expect(cgroup.locator.override == "/a")
    }
}
