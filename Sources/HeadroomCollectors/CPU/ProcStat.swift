public import HeadroomCore

/// Parser of `/proc/stat`: cumulative CPU time per mode, per core and for all cores.
public enum ProcStat {
    /// Clock ticks per second of `/proc/stat` (USER_HZ, 100 on every Linux ABI).
    public static let ticksPerSecond = 100.0
    /// Column names after `cpuN`, in kernel order; guest and guest_nice are already
    /// counted inside user and nice, so they are not reported separately.
    static let modes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]

    /// Raw samples: `cpu_seconds_total{cpu,mode}` counters, `cpu_count`, and when present
    /// `context_switches_total`, `processes_forked_total`, `procs_blocked`.
    public static func parse(_ bytes: [UInt8], path: String = "/proc/stat") throws(CollectorError) -> [Sample] {
        var samples: [Sample] = []
        samples.reserveCapacity(64)
        var scanner = ByteScanner(bytes)
        var cores = 0
        var sawAggregate = false
        var lineNumber = 0
        while !scanner.atEnd {
            lineNumber += 1
            guard let key = scanner.word() else { scanner.skipLine(); continue }
            if scanner.hasPrefix(key, "cpu") {
                let cpu: String
                if key.count == 3 {
                    cpu = "all"
                    sawAggregate = true
                } else {
                    guard let number = scanner.unsigned((key.lowerBound + 3)..<key.upperBound) else {
                        throw .failed("\(path): line \(lineNumber): unexpected field \"\(scanner.string(key))\"")
                    }
                    cpu = String(number)
                    cores += 1
                }
                var column = 0
                while column < modes.count, let field = scanner.word() {
                    guard let ticks = scanner.unsigned(field) else {
                        throw .failed("\(path): line \(lineNumber): \"\(scanner.string(field))\" is not a tick count")
                    }
                    samples.append(Sample("cpu_seconds_total", Labels(sortedUnique: [.init("cpu", cpu), .init("mode", modes[column])]),
                                          Double(ticks) / ticksPerSecond, kind: .counter))
                    column += 1
                }
                if column < 4 {
                    throw .failed("\(path): line \(lineNumber): \(scanner.string(key)) has \(column) columns, expected at least user nice system idle (truncated file?)")
                }
            } else if scanner.equals(key, "ctxt"), let field = scanner.word(), let value = scanner.unsigned(field) {
                samples.append(Sample("context_switches_total", .none, Double(value), kind: .counter))
            } else if scanner.equals(key, "processes"), let field = scanner.word(), let value = scanner.unsigned(field) {
                samples.append(Sample("processes_forked_total", .none, Double(value), kind: .counter))
            } else if scanner.equals(key, "procs_blocked"), let field = scanner.word(), let value = scanner.unsigned(field) {
                samples.append(Sample("procs_blocked", .none, Double(value)))
            }
            scanner.skipLine()
        }
        guard sawAggregate else {
            throw .failed("\(path): no aggregate \"cpu\" line; is this really /proc/stat?")
        }
        samples.append(Sample("cpu_count", .none, Double(cores)))
        return samples
    }
}
