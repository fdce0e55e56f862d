public import HeadroomCore

/// Parser of `/proc/meminfo`.
public enum MemInfo {
    /// Host memory gauges in bytes, plus `memory_used_percent` (used = total − available)
    /// and swap. Kernels before 3.14 have no MemAvailable: it is estimated as
    /// MemFree + Buffers + Cached.
    public static func parse(_ bytes: [UInt8], path: String = "/proc/meminfo") throws(CollectorError) -> [Sample] {
        var total: Double?, free: Double?, available: Double?, buffers: Double?, cached: Double?
        var swapTotal: Double?, swapFree: Double?
        var bad: String?
        ByteScanner.keyValueLines(bytes) { scanner, key, value in
            func number() -> Double? {
                guard let kilobytes = scanner.unsigned(value) else {
                    if bad == nil { bad = "\(scanner.string(key)) has the non-numeric value \"\(scanner.string(value))\"" }
                    return nil
                }
                return Double(kilobytes) * 1024
            }
            if scanner.equals(key, "MemTotal") { total = number() }
            else if scanner.equals(key, "MemFree") { free = number() }
            else if scanner.equals(key, "MemAvailable") { available = number() }
            else if scanner.equals(key, "Buffers") { buffers = number() }
            else if scanner.equals(key, "Cached") { cached = number() }
            else if scanner.equals(key, "SwapTotal") { swapTotal = number() }
            else if scanner.equals(key, "SwapFree") { swapFree = number() }
            // Everything needed sits near the top; stop once it has all been seen.
            return !(total != nil && free != nil && available != nil && buffers != nil && cached != nil && swapTotal != nil && swapFree != nil)
        }
        if let bad { throw .failed("\(path): \(bad)") }
        guard let total, total > 0 else { throw .failed("\(path): no MemTotal line (truncated or not /proc/meminfo)") }
        guard let free else { throw .failed("\(path): no MemFree line (truncated?)") }
        let availableBytes = min(total, available ?? (free + (buffers ?? 0) + (cached ?? 0)))
        let used = total - availableBytes
        var samples = [
            Sample("memory_total_bytes", .none, total),
            Sample("memory_available_bytes", .none, availableBytes),
            Sample("memory_free_bytes", .none, free),
            Sample("memory_used_bytes", .none, used),
            Sample("memory_used_percent", .none, used / total * 100),
        ]
        if let cached { samples.append(Sample("memory_cached_bytes", .none, cached)) }
        if let buffers { samples.append(Sample("memory_buffers_bytes", .none, buffers)) }
        if let swapTotal {
            let swapFreeBytes = min(swapTotal, swapFree ?? swapTotal)
            samples.append(Sample("swap_total_bytes", .none, swapTotal))
            samples.append(Sample("swap_free_bytes", .none, swapFreeBytes))
            samples.append(Sample("swap_used_bytes", .none, swapTotal - swapFreeBytes))
            if swapTotal > 0 { samples.append(Sample("swap_used_percent", .none, (swapTotal - swapFreeBytes) / swapTotal * 100)) }
        }
        return samples
    }
}
