import CReadFloor
import Foundation
import HeadroomCollectors
import HeadroomCore

/// `headroom-bench`: Headroom's performance figures, each against a baseline measured in
/// the same run (absolute numbers drift between machines; ratios travel).
///
///   scripts/bench.sh                     # builds release with the static stdlib and runs everything
///   headroom-bench [--idle-seconds 60] [--headroom PATH] [--only sample|evaluate|flapping|round|gpu|idle|wakeups|delivery|history|replay|history-daemon] [--interval-ms 100] [--against PATH] [--gpus N] [--warm-up-seconds 5]
@main
struct HeadroomBench {
    static func main() async throws {
        if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--floor-loop" {
            WakeupBenchmark.floorLoop(intervalMilliseconds: Int(CommandLine.arguments[2]) ?? 100)
        }
        if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--wake-loop" {
            WakeupBenchmark.floorLoop(intervalMilliseconds: Int(CommandLine.arguments[2]) ?? 100, readingFiles: false)
        }
        if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--write-history-day" {
            try HistoryBenchmark.writeDay(to: CommandLine.arguments[2], endingAt: Date())
            return
        }
        let options = Options(CommandLine.arguments.dropFirst())
        print("headroom-bench on \(ProcessInfo.processInfo.hostName), \(ProcessInfo.processInfo.activeProcessorCount) CPUs, \(RFC3339Now.string())")
        if options.only == nil || options.only == "sample" { SampleBenchmark.run() }
        if options.only == nil || options.only == "evaluate" { EvaluationBenchmark.run() }
        if options.only == nil || options.only == "flapping" { FlappingMemoryBenchmark.run() }
        if options.only == nil || options.only == "round" { await RoundBenchmark.run() }
        if options.only == nil || options.only == "gpu" { try GPUBenchmark.run() }
        if options.only == nil || options.only == "idle" { try await IdleBenchmark.run(options: options) }
        if options.only == nil || options.only == "wakeups" { try await WakeupBenchmark.run(options: options) }
        if options.only == nil || options.only == "delivery" { await DeliveryBenchmark.run() }
        if options.only == nil || options.only == "history" { await HistoryBenchmark.run() }
        if options.only == nil || options.only == "replay" { await HistoryBenchmark.replay() }
        if options.only == nil || options.only == "history-daemon" { try await HistoryCostBenchmark.run(options: options) }
    }
}

/// Command-line options of the harness.
struct Options {
    var idleSeconds = 60
    var headroom: String?
    var only: String?
    /// The wake-up benchmark's interval.
    var intervalMilliseconds = 100
    /// A second headroom binary the wake-up benchmark runs beside the first, in the same
    /// window: a change measured against its baseline with the machine's noise shared.
    var against: String?
    /// The wake-up benchmark: fake GPUs for the daemons (0: none), and how long they run
    /// before the window is measured.
    var gpus = 0
    var warmUpSeconds = 5

    init<S: Sequence>(_ arguments: S) where S.Element == String {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--idle-seconds": idleSeconds = Int(iterator.next() ?? "") ?? idleSeconds
            case "--headroom": headroom = iterator.next()
            case "--only": only = iterator.next()
            case "--interval-ms": intervalMilliseconds = max(1, Int(iterator.next() ?? "") ?? intervalMilliseconds)
            case "--against": against = iterator.next()
            case "--gpus": gpus = max(0, Int(iterator.next() ?? "") ?? gpus)
            case "--warm-up-seconds": warmUpSeconds = max(0, Int(iterator.next() ?? "") ?? warmUpSeconds)
            default:
                print(
                    "unknown argument \(argument); usage: headroom-bench [--idle-seconds N] [--headroom PATH] [--only sample|evaluate|flapping|round|gpu|idle|wakeups|delivery|history|replay|history-daemon] [--interval-ms 100] [--against PATH] [--gpus N] [--warm-up-seconds 5]"
                )
                exit(2)
            }
        }
    }
}

enum RFC3339Now {
    static func string() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}

/// Median and percentiles of repeated timings.
struct Timings {
    var values: [Double] = []
    mutating func add(_ seconds: Double) { values.append(seconds) }
    func percentile(_ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count - 1) * p).rounded())))
        return sorted[index]
    }
    var median: Double { percentile(0.5) }
}

/// Wall time of `body` in seconds.
@inline(never)
func measure(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    return (ContinuousClock.now - start).headroomSeconds
}

func micro(_ seconds: Double) -> String { String(format: "%.1f µs", seconds * 1e6) }
func milli(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1e3) }
