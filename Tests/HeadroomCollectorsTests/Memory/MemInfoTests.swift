import HeadroomCollectors
import HeadroomCore
import Testing

@Suite("MemInfo")
struct MemInfoTests {
    @Test("used is total − MemAvailable; swap; values in bytes")
    func modern() throws {
        let text = """
            MemTotal:        1000 kB
            MemFree:          100 kB
            MemAvailable:     250 kB
            Buffers:           10 kB
            Cached:           200 kB
            SwapCached:         0 kB
            Active:           300 kB
            SwapTotal:        400 kB
            SwapFree:         100 kB
            HugePages_Total:    0

            """
        let info = try MemInfo.parse(text.bytes)
        #expect(info == MemInfo(total: 1_024_000, free: 102_400, available: 256_000, buffers: 10240, cached: 204_800, swapTotal: 409_600, swapFree: 102_400))
        #expect(
            info.samples == [
                gauge("memory_total_bytes", 1_024_000),
                gauge("memory_available_bytes", 256_000),
                gauge("memory_free_bytes", 102_400),
                gauge("memory_used_bytes", 768_000),
                gauge("memory_used_percent", 75),
                gauge("memory_cached_bytes", 204_800),
                gauge("memory_buffers_bytes", 10240),
                gauge("swap_total_bytes", 409_600),
                gauge("swap_free_bytes", 102_400),
                gauge("swap_used_bytes", 307_200),
                gauge("swap_used_percent", 75),
            ])
    }

    @Test("a kernel before 3.14 has no MemAvailable: MemFree + Buffers + Cached, said in the sample's detail")
    func estimated() throws {
        let info = try MemInfo.parse("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 350 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n".bytes)
        #expect(info.available == 512_000)
        #expect(info.availableIsEstimated)
        let samples = info.samples
        #expect(samples.value("memory_used_percent") == 50)
        #expect(samples.first { $0.name == "memory_available_bytes" }?.detail?.contains("no MemAvailable") == true)
        #expect(samples.first { $0.name == "memory_total_bytes" }?.detail == nil)
        // No swap: no percentage of nothing.
        #expect(samples.value("swap_total_bytes") == 0)
        #expect(!samples.has("swap_used_percent"))
    }

    @Test("MemAvailable above MemTotal (seen on some ballooned VMs) is capped at the total")
    func capped() throws {
        let info = try MemInfo.parse("MemTotal: 1000 kB\nMemFree: 900 kB\nMemAvailable: 1200 kB\n".bytes)
        #expect(info.available == info.total)
        #expect(info.samples.value("memory_used_percent") == 0)
        #expect(!info.samples.has("swap_total_bytes"))
    }

    static let malformed: [(name: String, text: String, message: String)] = [
        ("no MemTotal", "MemFree: 1 kB\n", "no MemTotal line"),
        ("zero MemTotal", "MemTotal: 0 kB\nMemFree: 0 kB\n", "no MemTotal line (or MemTotal is 0)"),
        ("no MemFree", "MemTotal: 10 kB\n", "no MemFree line"),
        ("negative", "MemTotal: -5 kB\n", "MemTotal is not followed by a non-negative number of kB"),
        ("above Int64", "MemTotal: 99999999999999999999 kB\n", "MemTotal is not followed by a non-negative number of kB"),
        ("bytes overflow", "MemTotal: 9007199254740993 kB\n", "does not fit in 64 bits"),
        ("no colon", "MemTotal 10 kB\n", "is not a \"Key:\""),
        ("cut mid-line", "MemTotal:       24684096 kB\nMemFree:        226", "cut off"),
    ]

    @Test("malformed files fail with the path and what was wrong", arguments: malformed)
    func rejectsMalformed(name: String, text: String, message: String) {
        let error = failure { () throws(CollectorError) in try MemInfo.parse(text.bytes, path: "/host/proc/meminfo") }
        #expect(error?.hasPrefix("/host/proc/meminfo: ") == true, "\(name): \(error ?? "accepted")")
        #expect(error?.contains(message) == true, "\(name): \(error ?? "accepted")")
    }
}
