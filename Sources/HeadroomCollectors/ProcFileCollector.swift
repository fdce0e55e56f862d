public import HeadroomCore

/// A collector that reads one procfs file and hands it to a pure parser: host CPU
/// (`/proc/stat`), memory (`/proc/meminfo`) and load (`/proc/loadavg`). Never blocks.
public struct ProcFileCollector: Collector {
    public let name: String
    /// The host path read each round.
    public let path: String
    private let files: any SystemFiles
    private let parse: @Sendable ([UInt8], String) throws(CollectorError) -> [Sample]

    public init(name: String, path: String, files: any SystemFiles, parse: @escaping @Sendable ([UInt8], String) throws(CollectorError) -> [Sample]) {
        self.name = name
        self.path = path
        self.files = files
        self.parse = parse
    }

    public func collect() throws(CollectorError) -> [Sample] {
        guard let bytes = try files.read(path) else {
            throw .failed("\(files.describe(path)) does not exist; is /proc mounted (or collectors.root wrong)?")
        }
        return try parse(bytes, files.describe(path))
    }

    /// Host CPU time from `/proc/stat` (raw counters; the core derives percentages).
    public static func cpu(files: any SystemFiles) -> ProcFileCollector {
        ProcFileCollector(name: "cpu", path: "/proc/stat", files: files) { (bytes, path) throws(CollectorError) in try ProcStat.parse(bytes, path: path) }
    }

    /// Host memory from `/proc/meminfo`.
    public static func memory(files: any SystemFiles) -> ProcFileCollector {
        ProcFileCollector(name: "memory", path: "/proc/meminfo", files: files) { (bytes, path) throws(CollectorError) in try MemInfo.parse(bytes, path: path) }
    }

    /// Load average and scheduling-entity counts from `/proc/loadavg`.
    public static func load(files: any SystemFiles) -> ProcFileCollector {
        ProcFileCollector(name: "load", path: "/proc/loadavg", files: files) { (bytes, path) throws(CollectorError) in try LoadAverage.parse(bytes, path: path) }
    }
}
