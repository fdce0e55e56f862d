import HeadroomCollectors
import HeadroomCore
import Testing

@Suite("PressureStall")
struct PressureStallTests {
    @Test("some and full lines; total is microseconds, reported as seconds")
    func both() throws {
        let stall = try PressureStall.parse(
            "some avg10=12.50 avg60=8.00 avg300=3.10 total=98765432\nfull avg10=4.20 avg60=2.00 avg300=0.50 total=12345678\n".bytes,
            path: "/proc/pressure/memory")
        #expect(
            stall
                == PressureStall(
                    some: .init(avg10: 12.5, avg60: 8, avg300: 3.1, totalMicroseconds: 98_765_432),
                    full: .init(avg10: 4.2, avg60: 2, avg300: 0.5, totalMicroseconds: 12_345_678)))
        let labels: Labels = ["resource": "memory", "scope": "host"]
        #expect(
            stall.samples(labels: labels) == [
                gauge("pressure_avg10_percent", labels.adding("kind", "some"), 12.5),
                gauge("pressure_avg60_percent", labels.adding("kind", "some"), 8),
                gauge("pressure_avg300_percent", labels.adding("kind", "some"), 3.1),
                counter("pressure_stall_seconds_total", labels.adding("kind", "some"), 98.765432),
                gauge("pressure_avg10_percent", labels.adding("kind", "full"), 4.2),
                gauge("pressure_avg60_percent", labels.adding("kind", "full"), 2),
                gauge("pressure_avg300_percent", labels.adding("kind", "full"), 0.5),
                counter("pressure_stall_seconds_total", labels.adding("kind", "full"), 12.345678),
            ])
    }

    @Test("cpu before Linux 5.13 has no full line; IRQ pressure has no some line")
    func oneLine() throws {
        let cpu = try PressureStall.parse("some avg10=1.50 avg60=2.25 avg300=0.75 total=1234567\n".bytes, path: "/proc/pressure/cpu")
        #expect(cpu.full == nil)
        #expect(cpu.samples(labels: .none).allSatisfy { $0.labels["kind"] == "some" })
        let irq = try PressureStall.parse("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n".bytes, path: "/proc/pressure/irq")
        #expect(irq.some == nil && irq.full?.totalMicroseconds == 0)
    }

    @Test("keys a future kernel adds are skipped")
    func futureKeys() throws {
        let stall = try PressureStall.parse("some avg10=1.00 avg30=9.99 avg60=2.00 avg300=3.00 total=4 peak=7\n".bytes, path: "p")
        #expect(stall.some == .init(avg10: 1, avg60: 2, avg300: 3, totalMicroseconds: 4))
    }

    static let malformed: [(name: String, text: String, message: String)] = [
        ("unknown line", "most avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", "expected \"some\" or \"full\""),
        ("no total", "some avg10=0.00 avg60=0.00 avg300=0.00\n", "lacks one of avg10, avg60, avg300, total"),
        ("negative total", "some avg10=0.00 avg60=0.00 avg300=0.00 total=-1\n", "total=\"-1\" is not a non-negative number"),
        ("total above Int64", "some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551615\n", "is not a non-negative number"),
        ("percent above 100", "some avg10=100.01 avg60=0.00 avg300=0.00 total=0\n", "avg10=\"100.01\" is not a percentage"),
        ("not key=value", "some avg10 0.00\n", "\"avg10\" is not key=value"),
        ("cut mid-line", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.0", "cut off"),
        ("blank", "\n\n", "no \"some\" or \"full\" line"),
    ]

    @Test("malformed files fail with the path and what was wrong", arguments: malformed)
    func rejectsMalformed(name: String, text: String, message: String) {
        let error = failure { () throws(CollectorError) in try PressureStall.parse(text.bytes, path: "/host/proc/pressure/io") }
        #expect(error?.hasPrefix("/host/proc/pressure/io: ") == true, "\(name): \(error ?? "accepted")")
        #expect(error?.contains(message) == true, "\(name): \(error ?? "accepted")")
    }
}
