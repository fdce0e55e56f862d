public import HeadroomCore
import Synchronization

/// `/proc/stat`: cumulative CPU time per mode for all CPUs and for each CPU, and the
/// scheduler counters beside it. `parse` is pure; the core turns the counters into
/// percentages (`SampleDerivation`), so nothing here divides by elapsed time.
public struct ProcStat: Sendable, Hashable {
    /// Clock ticks per second of `/proc/stat` (USER_HZ: 100 on every Linux ABI).
    public static let ticksPerSecond = 100.0
    /// The `mode` label of each column after `cpu`/`cpuN`, in kernel order. The guest and
    /// guest_nice columns that follow are already counted in user and nice, so they are skipped.
    public static let modes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]

    /// One `cpu` or `cpuN` line, in clock ticks.
    public struct CPUTimes: Sendable, Hashable {
        /// `all` for the aggregate line, else the CPU number as the kernel wrote it (`0`, `1`, …).
        public var cpu: String
        /// Ticks per mode in `ProcStat.modes` order; old kernels write only the first 4 to 7.
        public var ticks: [Int64]

        /// One line's values, `ticks` in `ProcStat.modes` order.
        public init(cpu: String, ticks: [Int64]) {
            self.cpu = cpu
            self.ticks = ticks
        }
    }

    /// The aggregate `cpu` line.
    public var all: CPUTimes
    /// The `cpuN` lines: the online CPUs.
    public var cpus: [CPUTimes]
    /// `ctxt`: context switches since boot.
    public var contextSwitches: Int64?
    /// `processes`: forks since boot.
    public var processesForked: Int64?
    /// `procs_blocked`: tasks currently blocked on I/O.
    public var processesBlocked: Int64?

    /// A parsed reading, as the kernel would have written it.
    public init(all: CPUTimes, cpus: [CPUTimes], contextSwitches: Int64? = nil, processesForked: Int64? = nil, processesBlocked: Int64? = nil) {
        self.all = all
        self.cpus = cpus
        self.contextSwitches = contextSwitches
        self.processesForked = processesForked
        self.processesBlocked = processesBlocked
    }

    /// Parses the whole file. Throws `.failed` naming `path`, the line and what was wrong
    /// for a truncated or malformed file, a negative or oversized number, or a CPU line
    /// with fewer than the four columns every kernel writes (user nice system idle).
    public static func parse(_ bytes: [UInt8], path: String = "/proc/stat") throws(CollectorError) -> ProcStat {
        try ByteScanner.requireComplete(bytes, path: path)
        var scanner = ByteScanner(bytes)
        var all: CPUTimes?
        var cpus: [CPUTimes] = []
        var contextSwitches: Int64?
        var processesForked: Int64?
        var processesBlocked: Int64?
        var lineNumber = 0
        while !scanner.atEnd {
            lineNumber += 1
            guard let key = scanner.word() else {
                scanner.skipLine()
                continue
            }
            if scanner.hasPrefix(key, "cpu") {
                let cpu: String
                if key.count == 3 {
                    cpu = "all"
                } else {
                    let number = (key.lowerBound + 3)..<key.upperBound
                    guard scanner.count(number) != nil else {
                        throw .failed("\(path): line \(lineNumber): \(scanner.excerpt(key)) is neither cpu nor cpuN")
                    }
                    cpu = scanner.string(number)
                }
                var ticks: [Int64] = []
                ticks.reserveCapacity(modes.count)
                while let field = scanner.word() {
                    guard let value = scanner.count(field) else {
                        throw .failed("\(path): line \(lineNumber): \(scanner.excerpt(field)) is not a tick count (a non-negative integer below 2^63)")
                    }
                    if ticks.count < modes.count { ticks.append(value) }
                }
                guard ticks.count >= 4 else {
                    throw .failed(
                        "\(path): line \(lineNumber): \(scanner.excerpt(key)) has \(ticks.count) columns; every kernel writes at least user nice system idle")
                }
                if cpu == "all" { all = CPUTimes(cpu: cpu, ticks: ticks) } else { cpus.append(CPUTimes(cpu: cpu, ticks: ticks)) }
            } else if scanner.equals(key, "ctxt") {
                contextSwitches = try single(&scanner, key, lineNumber, path)
            } else if scanner.equals(key, "processes") {
                processesForked = try single(&scanner, key, lineNumber, path)
            } else if scanner.equals(key, "procs_blocked") {
                processesBlocked = try single(&scanner, key, lineNumber, path)
            }
            scanner.endLine()
        }
        guard let all else {
            throw .failed("\(path): no aggregate \"cpu\" line; this is not /proc/stat (check collectors.root)")
        }
        return ProcStat(all: all, cpus: cpus, contextSwitches: contextSwitches, processesForked: processesForked, processesBlocked: processesBlocked)
    }

    private static func single(_ scanner: inout ByteScanner, _ key: Range<Int>, _ lineNumber: Int, _ path: String) throws(CollectorError) -> Int64 {
        guard let field = scanner.word(), let value = scanner.count(field) else {
            throw .failed("\(path): line \(lineNumber): \(scanner.string(key)) is not followed by a non-negative integer")
        }
        return value
    }

    /// Raw readings: `cpu_seconds_total{cpu,mode}` counters for `all` and each CPU,
    /// `cpu_count`, and when present `context_switches_total`, `processes_forked_total`
    /// and `procs_blocked`.
    public var samples: [Sample] {
        var out: [Sample] = []
        out.reserveCapacity((cpus.count + 1) * Self.modes.count + 4)
        Self.labelSets.withLock { cache in
            if cache.count > 4096 { cache.removeAll() }
            Self.append(all, to: &out, labels: &cache)
            for line in cpus { Self.append(line, to: &out, labels: &cache) }
        }
        out.append(Sample("cpu_count", .none, Double(cpus.count)))
        if let contextSwitches { out.append(Sample("context_switches_total", .none, Double(contextSwitches), kind: .counter)) }
        if let processesForked { out.append(Sample("processes_forked_total", .none, Double(processesForked), kind: .counter)) }
        if let processesBlocked { out.append(Sample("procs_blocked", .none, Double(processesBlocked))) }
        return out
    }

    /// One CPU's `cpu_seconds_total` samples. Everything it changes comes in as `inout`: a
    /// nested function capturing `out` boxed it, and every append went through the runtime's
    /// dynamic exclusivity check.
    private static func append(_ line: CPUTimes, to out: inout [Sample], labels cache: inout [String: [Labels]]) {
        let labels = cache[line.cpu] ?? makeLabels(line.cpu, into: &cache)
        for (column, ticks) in line.ticks.prefix(modes.count).enumerated() {
            out.append(Sample("cpu_seconds_total", labels[column], Double(ticks) / ticksPerSecond, kind: .counter))
        }
    }

    // MARK: - Label sets

    /// `{cpu=N, mode=M}` for each CPU seen, built once: a sample every 10 s on a 128-core
    /// host would otherwise allocate a thousand label arrays per round for the same values.
    private static let labelSets = Mutex<[String: [Labels]]>([:])

    private static func makeLabels(_ cpu: String, into cache: inout [String: [Labels]]) -> [Labels] {
        let labels = modes.map { Labels([("cpu", cpu), ("mode", $0)]) }
        cache[cpu] = labels
        return labels
    }
}
