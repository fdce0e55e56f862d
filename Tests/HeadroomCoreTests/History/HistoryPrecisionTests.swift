import HeadroomCore
import HeadroomTesting
import Testing

@Suite("History precision")
struct HistoryPrecisionTests {
    @Test("percentages with at most three decimals, and non-finite values, are stored exactly")
    func exact() {
        for value in [0, -0.0, 100, 37.5, 12.25, 99.999, 0.001, 250.125, 3200, .infinity, -.infinity, 1e13] as [Double] {
            #expect(HistoryPrecision.percent(value).bitPattern == value.bitPattern, "\(value)")
        }
        #expect(HistoryPrecision.percent(.nan).isNaN)
        #expect(HistoryPrecision.percent(Double(bitPattern: 0x7FF8_0000_0000_BEEF)).bitPattern == 0x7FF8_0000_0000_BEEF)
    }

    @Test("a stored percentage is within 0.0015 and on the same side of every two-decimal threshold", arguments: [1, 2, 3] as [UInt64])
    func thresholds(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for round in 0..<20_000 {
            // Noise, and values a hair from a hundredth (the hard case), as CPU shares come out.
            let value: Double =
                round % 2 == 0
                ? Double.random(in: -5...105, using: &random)
                : Double(Int.random(in: 0...10_000, using: &random)) / 100 + Double.random(in: -0.0008...0.0008, using: &random)
            let stored = HistoryPrecision.percent(value)
            #expect((stored - value).magnitude <= 0.0015 + 1e-12, "\(value) → \(stored)")
            // Stored as a thousandth: what the codec keeps as a three-decimal mantissa.
            #expect(((stored * 1000).rounded() / 1000) == stored)
            let hundredths = (value * 100).rounded()
            for step in -2...2 {
                let threshold = (hundredths + Double(step)) / 100
                #expect((value > threshold) == (stored > threshold), "\(value) → \(stored) vs \(threshold)")
                #expect((value >= threshold) == (stored >= threshold), "\(value) → \(stored) vs \(threshold)")
                #expect((value < threshold) == (stored < threshold), "\(value) → \(stored) vs \(threshold)")
                #expect((value <= threshold) == (stored <= threshold), "\(value) → \(stored) vs \(threshold)")
            }
        }
    }

    @Test("only metrics named …_percent are quantized")
    func which() {
        #expect(HistoryPrecision.quantizes(metric: "cpu_core_used_percent"))
        #expect(!HistoryPrecision.quantizes(metric: "gpu_memory_used_bytes"))
        #expect(!HistoryPrecision.quantizes(metric: "load1"))
    }
}
