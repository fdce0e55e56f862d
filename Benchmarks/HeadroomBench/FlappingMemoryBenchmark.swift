import Foundation
import HeadroomCore

/// The engine's memory through a flapping storm: 200 series whose value crosses every rule's
/// threshold at every round, at `interval: 100ms`, for one flap window (10 minutes, 6,000
/// rounds), with the evaluation benchmark's 20 rules. Baseline: the process's anonymous
/// memory before the first round. A slot keeps only the changes flap detection reads
/// (`flapping.max_changes + 1`), so memory must stop growing once every pair flaps.
enum FlappingMemoryBenchmark {
    static func run() {
        let policy = AlertPolicy()
        var engine = AlertEngine(rules: EvaluationBenchmark.rules, policy: policy)
        let labels = (0..<200).map { Labels(["gpu": String($0 % 8), "series": String($0)]) }
        let high = labels.map { Sample("bench_used_percent", $0, 95) }
        let low = labels.map { Sample("bench_used_percent", $0, 10) }
        let origin = Date(timeIntervalSince1970: 1_800_000_000)
        let rounds = 6000
        func anon() -> Int { IdleBenchmark.statusFields(atPath: "/proc/self/status")["RssAnon"] ?? 0 }
        let before = anon()
        var readings: [(round: Int, anon: Int)] = []
        var notifications = 0
        for round in 0..<rounds {
            let samples = round % 2 == 0 ? high : low
            notifications += engine.evaluate(samples, at: origin.addingTimeInterval(Double(round) * 0.1)).count
            if (round + 1) % (rounds / 4) == 0 { readings.append((round + 1, anon())) }
        }
        let state = engine.savedState(at: origin.addingTimeInterval(Double(rounds) * 0.1))
        let held = state.entries.reduce(0) { $0 + $1.flapTimes.count }
        let bound = state.entries.count * (policy.flapMaxChanges + 1)
        print("")
        print(
            "## Flapping storm: 200 series × 20 rules crossing every threshold each round at 100 ms for \(rounds) rounds (\(notifications) notifications)"
        )
        print("| after round | RssAnon | above the start |")
        print("|---|---|---|")
        print("| 0 (baseline) | \(IdleBenchmark.mib(before)) | |")
        for reading in readings {
            print("| \(reading.round) | \(IdleBenchmark.mib(reading.anon)) | \(IdleBenchmark.mib(reading.anon - before)) |")
        }
        let growth = (readings.last?.anon ?? 0) - (readings.first?.anon ?? 0)
        print("flap times held: \(held) in \(state.entries.count) slots (bound \(bound))")
        print("target: flat after the first quarter (< 1 MiB more) → \(growth < 1_048_576 && held <= bound ? "met" : "NOT met")")
    }
}
