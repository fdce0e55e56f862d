public import HeadroomCore

/// One pressure-stall (PSI) file: `/proc/pressure/memory`, or a cgroup's `memory.pressure`:
///
///     some avg10=0.12 avg60=0.05 avg300=0.01 total=12345
///     full avg10=0.00 avg60=0.00 avg300=0.00 total=0
///
/// `parse` is pure. CPU's `full` line exists from Linux 5.13 on, and IRQ pressure has no
/// `some` line, so either line may be absent, but not both.
public struct PressureStall: Sendable, Hashable {
    /// One `some` or `full` line.
    public struct Line: Sendable, Hashable {
        /// Share of wall time stalled over the last 10 s, in percent.
        public var avg10: Double
        /// … over the last 60 s.
        public var avg60: Double
        /// … over the last 300 s.
        public var avg300: Double
        /// Cumulative stall time in microseconds.
        public var totalMicroseconds: Int64

        /// One line's values.
        public init(avg10: Double, avg60: Double, avg300: Double, totalMicroseconds: Int64) {
            self.avg10 = avg10
            self.avg60 = avg60
            self.avg300 = avg300
            self.totalMicroseconds = totalMicroseconds
        }
    }

    /// Some tasks stalled on the resource.
    public var some: Line?
    /// All non-idle tasks stalled at once.
    public var full: Line?

    /// A parsed file.
    public init(some: Line?, full: Line?) {
        self.some = some
        self.full = full
    }

    /// Parses one PSI file. Throws `.failed` naming `path` and the line for a truncated
    /// file, an unknown line, or a line without all of avg10, avg60, avg300 and total.
    public static func parse(_ bytes: [UInt8], path: String) throws(CollectorError) -> PressureStall {
        try ByteScanner.requireComplete(bytes, path: path)
        var scanner = ByteScanner(bytes)
        var stall = PressureStall(some: nil, full: nil)
        var lineNumber = 0
        while !scanner.atEnd {
            lineNumber += 1
            guard let kind = scanner.word() else {
                scanner.skipLine()
                continue
            }
            let isSome = scanner.equals(kind, "some")
            guard isSome || scanner.equals(kind, "full") else {
                throw .failed("\(path): line \(lineNumber): expected \"some\" or \"full\", got \(scanner.excerpt(kind))")
            }
            var avg10: Double?
            var avg60: Double?
            var avg300: Double?
            var total: Int64?
            while let field = scanner.word() {
                guard let equals = scanner.bytes[field].firstIndex(of: 0x3D) else {
                    throw .failed("\(path): line \(lineNumber): \(scanner.excerpt(field)) is not key=value")
                }
                let key = field.lowerBound..<equals
                let value = (equals + 1)..<field.upperBound
                let kind = Key(key, in: scanner)
                switch kind {
                case .total:
                    guard let micros = scanner.count(value) else {
                        throw .failed("\(path): line \(lineNumber): total=\(scanner.excerpt(value)) is not a non-negative number of microseconds")
                    }
                    total = micros
                case .avg10, .avg60, .avg300:
                    guard let percent = scanner.decimal(value), percent <= 100 else {
                        throw .failed("\(path): line \(lineNumber): \(scanner.string(key))=\(scanner.excerpt(value)) is not a percentage")
                    }
                    if kind == .avg10 { avg10 = percent } else if kind == .avg60 { avg60 = percent } else { avg300 = percent }
                case .other:
                    // Keys a future kernel may add are skipped; the known ones must be numbers.
                    continue
                }
            }
            guard let avg10, let avg60, let avg300, let total else {
                throw .failed("\(path): line \(lineNumber) lacks one of avg10, avg60, avg300, total (truncated?)")
            }
            let line = Line(avg10: avg10, avg60: avg60, avg300: avg300, totalMicroseconds: total)
            if isSome { stall.some = line } else { stall.full = line }
            scanner.endLine()
        }
        if stall.some == nil && stall.full == nil {
            throw .failed("\(path): no \"some\" or \"full\" line")
        }
        return stall
    }

    /// The keys of a PSI line, told apart by length and a byte or two (this runs for every
    /// field of every PSI file each round).
    private enum Key {
        case avg10, avg60, avg300, total, other

        init(_ key: Range<Int>, in scanner: ByteScanner) {
            switch key.count {
            case 5 where scanner.equals(key, "total"): self = .total
            case 5 where scanner.equals(key, "avg10"): self = .avg10
            case 5 where scanner.equals(key, "avg60"): self = .avg60
            case 6 where scanner.equals(key, "avg300"): self = .avg300
            default: self = .other
            }
        }
    }

    /// `pressure_avg{10,60,300}_percent` gauges and `pressure_stall_seconds_total` per
    /// line, labelled with `labels` plus `kind="some"|"full"`.
    public func samples(labels: Labels) -> [Sample] {
        var out: [Sample] = []
        append(to: &out, some: labels.adding("kind", "some"), full: labels.adding("kind", "full"))
        return out
    }

    /// Appends the samples with label sets the caller built once (the collector's hot path).
    func append(to out: inout [Sample], some someLabels: Labels, full fullLabels: Labels) {
        func append(_ line: Line?, _ labels: Labels) {
            guard let line else { return }
            out.append(Sample("pressure_avg10_percent", labels, line.avg10))
            out.append(Sample("pressure_avg60_percent", labels, line.avg60))
            out.append(Sample("pressure_avg300_percent", labels, line.avg300))
            out.append(Sample("pressure_stall_seconds_total", labels, Double(line.totalMicroseconds) / 1e6, kind: .counter))
        }
        append(some, someLabels)
        append(full, fullLabels)
    }
}
