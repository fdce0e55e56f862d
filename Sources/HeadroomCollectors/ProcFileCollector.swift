public import HeadroomCore

/// A collector that reads one procfs file and hands it to a pure parser: host CPU
/// (`/proc/stat`), memory (`/proc/meminfo`) and load (`/proc/loadavg`). One `pread` on a
/// kept-open file per call: it never blocks.
public struct ProcFileCollector: Collector {
    /// `cpu`, `memory` or `load`.
    public let name: String
    /// The host path read each round.
    public let path: String
    private let files: any SystemFiles
    private let parse: @Sendable ([UInt8], String) throws(CollectorError) -> [Sample]

    /// A collector named `name` that reads `path` through `files` and parses it with `parse`
    /// (given the bytes and the real path for error messages).
    public init(
        name: String, path: String, files: any SystemFiles,
        parse: @escaping @Sendable ([UInt8], String) throws(CollectorError) -> [Sample]
    ) {
        self.name = name
        self.path = path
        self.files = files
        self.parse = parse
    }

    /// Reads the file once and parses it; a missing file is a failure (procfs always has it).
    public func collect() throws(CollectorError) -> [Sample] {
        guard let bytes = try files.read(path) else {
            throw .failed("\(files.describe(path)) does not exist; is /proc mounted there (check collectors.root)?")
        }
        return try parse(bytes, files.describe(path))
    }

    /// Host CPU time from `/proc/stat` (raw counters; the core derives percentages).
    public static func cpu(files: any SystemFiles) -> ProcFileCollector {
        ProcFileCollector(name: "cpu", path: "/proc/stat", files: files) { (bytes, path) throws(CollectorError) in
            try ProcStat.parse(bytes, path: path).samples
        }
    }

    /// Host memory and swap from `/proc/meminfo`.
    public static func memory(files: any SystemFiles) -> ProcFileCollector {
        ProcFileCollector(name: "memory", path: "/proc/meminfo", files: files) { (bytes, path) throws(CollectorError) in
            try MemInfo.parse(bytes, path: path).samples
        }
    }

    /// Load averages and task counts from `/proc/loadavg`.
    public static func load(files: any SystemFiles) -> ProcFileCollector {
        ProcFileCollector(name: "load", path: "/proc/loadavg", files: files) { (bytes, path) throws(CollectorError) in
            try LoadAverage.parse(bytes, path: path).samples
        }
    }
}
