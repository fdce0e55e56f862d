import HeadroomCollectors
import HeadroomTesting
import Testing

@Suite("CollectorCatalog")
struct CollectorCatalogTests {
    @Test("one collector per name, in the documented order")
    func all() {
        let names = CollectorCatalog.make(settings: CollectorSettings(), files: InMemorySystemFiles([:])).map(\.name)
        #expect(names == CollectorSettings.names)
        #expect(names == ["cpu", "memory", "load", "cgroup", "pressure", "nvidia", "amdgpu"])
    }

    @Test("disabled collectors are left out", arguments: [Set<String>(), ["load"], ["cgroup", "pressure"], Set(CollectorSettings.names), ["unknown"]])
    func disabled(disabled: Set<String>) {
        let names = CollectorCatalog.make(settings: CollectorSettings(disabled: disabled), files: InMemorySystemFiles([:])).map(\.name)
        #expect(names == CollectorSettings.names.filter { !disabled.contains($0) })
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
