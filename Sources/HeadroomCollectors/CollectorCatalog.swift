/// The single, explicit list of built-in collectors (no registration side effects).
public enum CollectorCatalog {
    /// The enabled collectors, in `CollectorName` order, reading through `files`.
    /// The cgroup and pressure collectors share one `CgroupLocator`, so they watch the
    /// same cgroup and rediscover it together.
    public static func make(settings: CollectorSettings, files: any SystemFiles) -> [any Collector] {
        let locator = CgroupLocator(files: files, cgroupPath: settings.cgroupPath)
        var out: [any Collector] = []
        for name in CollectorName.allCases where !settings.disabled.contains(name) {
            switch name {
            case .cpu: out.append(ProcFileCollector.cpu(files: files))
            case .memory: out.append(ProcFileCollector.memory(files: files))
            case .load: out.append(ProcFileCollector.load(files: files))
            case .cgroup: out.append(CgroupCollector(locator: locator))
            case .pressure: out.append(PressureCollector(locator: locator))
            case .nvidia: out.append(NVMLCollector(libraryPath: settings.nvmlLibrary, files: files))
            case .amdgpu: out.append(AMDGPUCollector(files: files))
            }
        }
        return out
    }
}
