public import HeadroomCore

/// Host memory from `/proc/meminfo`.
public struct MemoryCollector: Collector {
    public let name = "memory"
    private let files: any SystemFiles

    public init(files: any SystemFiles) { self.files = files }

    public func collect() throws(CollectorError) -> [Sample] {
        let path = "/proc/meminfo"
        guard let bytes = try files.read(path) else {
            throw .failed("\(files.describe(path)) does not exist; is /proc mounted (or collectors.root wrong)?")
        }
        return try MemInfo.parse(bytes, path: files.describe(path))
    }
}
