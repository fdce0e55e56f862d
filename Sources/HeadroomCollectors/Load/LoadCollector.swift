public import HeadroomCore

/// Load average and scheduling-entity counts from `/proc/loadavg`.
public struct LoadCollector: Collector {
    public let name = "load"
    private let files: any SystemFiles

    public init(files: any SystemFiles) { self.files = files }

    public func collect() throws(CollectorError) -> [Sample] {
        let path = "/proc/loadavg"
        guard let bytes = try files.read(path) else {
            throw .failed("\(files.describe(path)) does not exist; is /proc mounted (or collectors.root wrong)?")
        }
        return try LoadAverage.parse(bytes, path: files.describe(path))
    }
}
