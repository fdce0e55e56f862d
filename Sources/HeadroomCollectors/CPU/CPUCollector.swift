public import HeadroomCore

/// Host CPU time from `/proc/stat` (raw counters; the core derives percentages). Never blocks.
public struct CPUCollector: Collector {
    public let name = "cpu"
    private let files: any SystemFiles

    public init(files: any SystemFiles) { self.files = files }

    public func collect() throws(CollectorError) -> [Sample] {
        let path = "/proc/stat"
        guard let bytes = try files.read(path) else {
            throw .failed("\(files.describe(path)) does not exist; is /proc mounted (or collectors.root wrong)?")
        }
        return try ProcStat.parse(bytes, path: files.describe(path))
    }
}
