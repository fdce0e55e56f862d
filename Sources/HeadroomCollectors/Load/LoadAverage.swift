public import HeadroomCore

/// `/proc/loadavg`: `0.52 0.58 0.59 3/467 12345`, the 1-, 5- and 15-minute load averages,
/// runnable/total scheduling entities and the last PID. `parse` is pure.
public struct LoadAverage: Sendable, Hashable {
    /// 1-minute load average.
    public var load1: Double
    /// 5-minute load average.
    public var load5: Double
    /// 15-minute load average.
    public var load15: Double
    /// Runnable tasks (the number before the slash).
    public var running: Int64
    /// All tasks and threads (the number after the slash).
    public var total: Int64

    /// A parsed reading.
    public init(load1: Double, load5: Double, load15: Double, running: Int64, total: Int64) {
        self.load1 = load1
        self.load5 = load5
        self.load15 = load15
        self.running = running
        self.total = total
    }

    /// Parses the file. Throws `.failed` naming `path` when it is truncated or any field
    /// is not what the kernel writes there.
    public static func parse(_ bytes: [UInt8], path: String = "/proc/loadavg") throws(CollectorError) -> LoadAverage {
        try ByteScanner.requireComplete(bytes, path: path)
        var scanner = ByteScanner(bytes)
        var loads: (Double, Double, Double) = (0, 0, 0)
        for position in 0..<3 {
            guard let field = scanner.word(), let value = scanner.decimal(field) else {
                throw .failed("\(path): expected three load averages such as \"0.52 0.58 0.59\", got \(ByteScanner.excerpt(bytes))")
            }
            switch position {
            case 0: loads.0 = value
            case 1: loads.1 = value
            default: loads.2 = value
            }
        }
        guard let field = scanner.word(), let slash = scanner.bytes[field].firstIndex(of: 0x2F),
            let running = scanner.count(field.lowerBound..<slash),
            let total = scanner.count((slash + 1)..<field.upperBound)
        else {
            throw .failed("\(path): expected runnable/total tasks such as \"3/467\" after the load averages, got \(ByteScanner.excerpt(bytes))")
        }
        if let lastPID = scanner.word(), scanner.count(lastPID) == nil {
            throw .failed("\(path): the last field \(scanner.excerpt(lastPID)) is not a PID")
        }
        return LoadAverage(load1: loads.0, load5: loads.1, load15: loads.2, running: running, total: total)
    }

    /// `load1`, `load5`, `load15`, `processes_running`, `processes_total` gauges.
    public var samples: [Sample] {
        [
            Sample("load1", .none, load1),
            Sample("load5", .none, load5),
            Sample("load15", .none, load15),
            Sample("processes_running", .none, Double(running)),
            Sample("processes_total", .none, Double(total)),
        ]
    }
}
