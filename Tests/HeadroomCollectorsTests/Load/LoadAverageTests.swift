import HeadroomCollectors
import HeadroomCore
import Testing

@Suite("LoadAverage")
struct LoadAverageTests {
    @Test("three averages, runnable/total, last PID")
    func parse() throws {
        let load = try LoadAverage.parse("0.52 0.58 12.59 3/467 12345\n".bytes)
        #expect(load == LoadAverage(load1: 0.52, load5: 0.58, load15: 12.59, running: 3, total: 467))
        #expect(
            load.samples == [
                gauge("load1", 0.52), gauge("load5", 0.58), gauge("load15", 12.59),
                gauge("processes_running", 3), gauge("processes_total", 467),
            ])
    }

    @Test("a busy host: large averages keep their decimals exactly")
    func large() throws {
        let load = try LoadAverage.parse("1024.00 301.07 99.99 128/65536 4194303\n".bytes)
        #expect(load.load1 == 1024 && load.load5 == 301.07 && load.load15 == 99.99)
        #expect(load.total == 65536)
    }

    static let malformed: [(name: String, text: String, message: String)] = [
        ("two averages", "0.52 0.58\n", "expected three load averages"),
        ("negative", "-0.52 0.58 0.59 3/467 1\n", "expected three load averages"),
        ("not a number", "0.52 x 0.59 3/467 1\n", "expected three load averages"),
        ("no tasks", "0.52 0.58 0.59\n", "expected runnable/total tasks"),
        ("no slash", "0.52 0.58 0.59 3467 1\n", "expected runnable/total tasks"),
        ("tasks above Int64", "0.52 0.58 0.59 1/99999999999999999999 1\n", "expected runnable/total tasks"),
        ("bad PID", "0.52 0.58 0.59 3/467 pid\n", "is not a PID"),
        ("cut mid-line", "0.52 0.58 0.5", "cut off"),
    ]

    @Test("malformed files fail with the path and what was wrong", arguments: malformed)
    func rejectsMalformed(name: String, text: String, message: String) {
        let error = failure { () throws(CollectorError) in try LoadAverage.parse(text.bytes, path: "/host/proc/loadavg") }
        #expect(error?.hasPrefix("/host/proc/loadavg: ") == true, "\(name): \(error ?? "accepted")")
        #expect(error?.contains(message) == true, "\(name): \(error ?? "accepted")")
    }
}
