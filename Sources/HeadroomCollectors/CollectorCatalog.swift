/// The single, explicit list of built-in collectors (no registration side effects).
public enum CollectorCatalog {
    /// The enabled collectors, in `CollectorSettings.names` order.
    public static func make(settings: CollectorSettings, files: any SystemFiles) -> [any Collector] {
        var out: [any Collector] = []
        for name in CollectorSettings.names where !settings.disabled.contains(name) {
            switch name {
            case "cpu": out.append(ProcFileCollector.cpu(files: files))
            case "memory": out.append(ProcFileCollector.memory(files: files))
            case "load": out.append(ProcFileCollector.load(files: files))
            case "cgroup": out.append(CgroupCollector(files: files, cgroupPath: settings.cgroupPath))
            case "pressure": out.append(PressureCollector(files: files, cgroupPath: settings.cgroupPath))
            default: break
            }
        }
        return out
    }
}
