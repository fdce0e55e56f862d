import Foundation
import Testing

/// Every suite that starts real `headroom` processes runs inside this one, one test at a
/// time: a CPU-load test must not overlap the test that proves an idle machine stays silent,
/// and two daemons must not compete for the same two cores.
@Suite("Real processes", .serialized)
struct ProcessTests {}

/// Waits (bounded) until the machine's CPU is mostly idle over a short window, so a test
/// about an idle machine does not start while the previous test's load is still draining.
func waitForQuietCPU(below percent: Double = 50, timeout: Duration = .seconds(30)) async throws {
    func busyAndTotal() -> (Double, Double) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return (0, 0) }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 5 else { return (0, 0) }
        let total = values.prefix(8).reduce(0, +)
        return (total - values[3] - values[4], total)
    }
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let (busy0, total0) = busyAndTotal()
        try await Task.sleep(for: .milliseconds(300))
        let (busy1, total1) = busyAndTotal()
        if total1 > total0, (busy1 - busy0) / (total1 - total0) * 100 < percent { return }
    }
    Issue.record("the machine stayed busy for \(timeout); an idle-machine test cannot run")
}
