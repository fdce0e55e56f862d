public import HeadroomCore

/// `/proc/meminfo`: host memory and swap, in bytes. `parse` is pure.
public struct MemInfo: Sendable, Hashable {
    /// `MemTotal`.
    public var total: Int64
    /// `MemFree`.
    public var free: Int64
    /// `MemAvailable`, or its estimate on kernels before 3.14 (see `availableIsEstimated`).
    public var available: Int64
    /// True when the kernel has no `MemAvailable` and `available` is MemFree + Buffers + Cached.
    public var availableIsEstimated: Bool
    /// `Buffers`.
    public var buffers: Int64?
    /// `Cached`.
    public var cached: Int64?
    /// `SwapTotal`.
    public var swapTotal: Int64?
    /// `SwapFree`.
    public var swapFree: Int64?

    /// A parsed reading, in bytes.
    public init(
        total: Int64, free: Int64, available: Int64, availableIsEstimated: Bool = false,
        buffers: Int64? = nil, cached: Int64? = nil, swapTotal: Int64? = nil, swapFree: Int64? = nil
    ) {
        self.total = total
        self.free = free
        self.available = available
        self.availableIsEstimated = availableIsEstimated
        self.buffers = buffers
        self.cached = cached
        self.swapTotal = swapTotal
        self.swapFree = swapFree
    }

    /// Parses the whole file (values are kB; the result is bytes). Throws `.failed` naming
    /// `path` for a truncated file, a missing MemTotal or MemFree, or a value that is not a
    /// non-negative number of kB that fits in 64 bits as bytes.
    public static func parse(_ bytes: [UInt8], path: String = "/proc/meminfo") throws(CollectorError) -> MemInfo {
        try ByteScanner.requireComplete(bytes, path: path)
        // MemTotal, MemFree, MemAvailable, Buffers, Cached, SwapTotal, SwapFree.
        var values: [Int64?] = [nil, nil, nil, nil, nil, nil, nil]
        var scanner = ByteScanner(bytes)
        var lineNumber = 0
        // Everything needed is in the first 20 of ~55 lines: stop once it has all been seen.
        var missing = values.count
        while !scanner.atEnd, missing > 0 {
            lineNumber += 1
            guard let word = scanner.word() else {
                scanner.skipLine()
                continue
            }
            guard word.count > 1, scanner.bytes[word.upperBound - 1] == 0x3A else {
                throw .failed("\(path): line \(lineNumber): \(scanner.excerpt(word)) is not a \"Key:\"; is this /proc/meminfo?")
            }
            let key = word.lowerBound..<(word.upperBound - 1)
            let slot: Int
            if scanner.equals(key, "MemTotal") {
                slot = 0
            } else if scanner.equals(key, "MemFree") {
                slot = 1
            } else if scanner.equals(key, "MemAvailable") {
                slot = 2
            } else if scanner.equals(key, "Buffers") {
                slot = 3
            } else if scanner.equals(key, "Cached") {
                slot = 4
            } else if scanner.equals(key, "SwapTotal") {
                slot = 5
            } else if scanner.equals(key, "SwapFree") {
                slot = 6
            } else {
                scanner.skipLine()
                continue
            }
            guard let field = scanner.word(), let kilobytes = scanner.count(field) else {
                throw .failed("\(path): line \(lineNumber): \(scanner.string(key)) is not followed by a non-negative number of kB")
            }
            let (value, overflowed) = kilobytes.multipliedReportingOverflow(by: 1024)
            if overflowed { throw .failed("\(path): line \(lineNumber): \(scanner.string(key)) \(kilobytes) kB does not fit in 64 bits as bytes") }
            if values[slot] == nil { missing -= 1 }
            values[slot] = value
            scanner.endLine()
        }
        let (total, free, available, buffers, cached, swapTotal, swapFree) = (values[0], values[1], values[2], values[3], values[4], values[5], values[6])
        guard let total, total > 0 else { throw .failed("\(path): no MemTotal line (or MemTotal is 0); is this /proc/meminfo?") }
        guard let free else { throw .failed("\(path): no MemFree line; is this /proc/meminfo?") }
        // Kernels before 3.14 lack MemAvailable; page cache and buffers are mostly reclaimable.
        let estimated = available == nil
        let availableBytes = min(total, available ?? Self.sum(free, buffers ?? 0, cached ?? 0))
        return MemInfo(
            total: total, free: free, available: availableBytes, availableIsEstimated: estimated,
            buffers: buffers, cached: cached, swapTotal: swapTotal, swapFree: swapFree)
    }

    private static func sum(_ values: Int64...) -> Int64 {
        values.reduce(0) { partial, value in
            let (total, overflowed) = partial.addingReportingOverflow(value)
            return overflowed ? .max : total
        }
    }

    /// `memory_used_bytes` is total − available (what `free` calls used minus reclaimable
    /// cache): the number that predicts the OOM killer.
    public var used: Int64 { total - available }

    /// Host memory gauges in bytes, `memory_used_percent`, and swap (with
    /// `swap_used_percent` only when there is swap).
    public var samples: [Sample] {
        var out: [Sample] = []
        out.reserveCapacity(11)
        out.append(Sample("memory_total_bytes", .none, Double(total)))
        out.append(
            Sample(
                "memory_available_bytes", .none, Double(available),
                detail: availableIsEstimated ? "estimated as MemFree + Buffers + Cached: this kernel has no MemAvailable" : nil))
        out.append(Sample("memory_free_bytes", .none, Double(free)))
        out.append(Sample("memory_used_bytes", .none, Double(used)))
        out.append(Sample("memory_used_percent", .none, Double(used) / Double(total) * 100))
        if let cached { out.append(Sample("memory_cached_bytes", .none, Double(cached))) }
        if let buffers { out.append(Sample("memory_buffers_bytes", .none, Double(buffers))) }
        if let swapTotal {
            let swapFreeBytes = min(swapTotal, swapFree ?? swapTotal)
            out.append(Sample("swap_total_bytes", .none, Double(swapTotal)))
            out.append(Sample("swap_free_bytes", .none, Double(swapFreeBytes)))
            out.append(Sample("swap_used_bytes", .none, Double(swapTotal - swapFreeBytes)))
            if swapTotal > 0 { out.append(Sample("swap_used_percent", .none, Double(swapTotal - swapFreeBytes) / Double(swapTotal) * 100)) }
        }
        return out
    }
}
