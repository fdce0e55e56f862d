public import HeadroomCore

/// Parser of `/proc/loadavg`: `0.52 0.58 0.59 3/467 12345`.
public enum LoadAverage {
    /// `load1`, `load5`, `load15`, `processes_running`, `processes_total`.
    public static func parse(_ bytes: [UInt8], path: String = "/proc/loadavg") throws(CollectorError) -> [Sample] {
        var scanner = ByteScanner(bytes)
        var loads: [Double] = []
        for _ in 0..<3 {
            guard let field = scanner.word(), let value = scanner.decimal(field) else {
                throw .failed("\(path): expected three load averages, got \"\(String(decoding: bytes.prefix(64), as: UTF8.self))\"")
            }
            loads.append(value)
        }
        var samples = [Sample("load1", .none, loads[0]), Sample("load5", .none, loads[1]), Sample("load15", .none, loads[2])]
        if let field = scanner.word(), let slash = scanner.bytes[field].firstIndex(of: 0x2F),
           let running = scanner.unsigned(field.lowerBound..<slash),
           let total = scanner.unsigned((slash + 1)..<field.upperBound) {
            samples.append(Sample("processes_running", .none, Double(running)))
            samples.append(Sample("processes_total", .none, Double(total)))
        } else {
            throw .failed("\(path): expected running/total processes after the load averages (truncated?)")
        }
        return samples
    }
}
