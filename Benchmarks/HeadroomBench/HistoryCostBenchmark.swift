import Foundation
import HeadroomHistory
import HeadroomTesting

/// What the history costs the daemon, measured from outside: two `headroom run` on the
/// embedded default with 8 fake GPUs (two processes each), half an interval apart, one with the
/// history on (the default) and one with `HEADROOM_HISTORY_ENABLED=false`; CPU per round
/// from every thread's `schedstat`, resident memory at the end. The difference is what the
/// history adds to a round, writer thread and commits included; the history-off daemon is
/// the baseline, measured in the same run. The first flush, which also enters every series
/// in the file, falls in the warm-up: what is measured is the steady state.
enum HistoryCostBenchmark {
    static func run(options: Options) async throws {
        guard let (headroom, directory) = try IdleBenchmark.workspace("History in the daemon", options: options) else { return }
        defer { try? FileManager.default.removeItem(at: directory) }
        // 8 busy GPUs, two processes each; the processes are this one, so attribution reads /proc.
        let pid = getpid()
        guard let fake = try FakeGPUHost.install(gpus: 8, procs: "\(pid):30000000000 \(pid):1000000000", title: "History in the daemon")
        else { return }
        defer { withExtendedLifetime(fake) {} }
        let library = fake.libraryPath

        let seconds = max(options.idleSeconds, 10)
        let intervalMilliseconds = options.intervalMilliseconds
        let rounds = Double(seconds * 1000 / intervalMilliseconds)
        func environment(_ name: String, history: Bool) throws -> [String: String] {
            let state = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            return [
                "HEADROOM_INTERVAL": "\(intervalMilliseconds)ms",
                "HEADROOM_SERVER_LISTEN": "127.0.0.1:0",
                "HEADROOM_STATE_DIR": state.path,
                "HEADROOM_LOG_LEVEL": "warning",
                "HEADROOM_COLLECTORS_NVML_LIBRARY": library,
                "HEADROOM_HISTORY_ENABLED": history ? "true" : "false",
            ]
        }
        print("")
        print(
            "## History in the daemon: embedded default, 8 fake GPUs, interval \(intervalMilliseconds)ms, three pairs of \(seconds) s each measured after a 15 s warm-up (the first flush), the two daemons of a pair half an interval apart (\(headroom))"
        )
        print("| pair | history on: CPU per round (schedstat) | off (baseline) | added | share of a round | VmRSS on / off | RssAnon on / off |")
        print("|---|---|---|---|---|---|---|")
        var added: [Double] = []
        var shares: [Double] = []
        var resident: [Int] = []
        var anonymous: [Int] = []
        var series = 0
        for pair in 1...3 {
            // The warm-up covers the first flush, which also enters every series in the file.
            let warmUp = Duration.seconds(15)
            let name = "pair\(pair)"
            async let on = WakeupBenchmark.measure(
                headroom, ["run"], environment: environment(name + "-on", history: true), seconds: seconds, warmUp: warmUp)
            // Half an interval later: on one grid, the daemon that wakes second finds the code
            // the first ran (the same binary's pages, the kernel's, libc's) warm and costs less.
            async let off = WakeupBenchmark.measure(
                headroom, ["run"], environment: environment(name + "-off", history: false), seconds: seconds, warmUp: warmUp,
                startAfter: .milliseconds(intervalMilliseconds) / 2)
            let (with, without) = try await (on, off)
            series = (try? HistoryStore(path: directory.appendingPathComponent(name + "-on/history.db").path).seriesKeys().count) ?? 0
            added.append((with.onCPU - without.onCPU) / rounds)
            shares.append((with.onCPU - without.onCPU) / max(without.onCPU, 1e-9))
            resident.append(with.rss - without.rss)
            anonymous.append(with.anon - without.anon)
            print(
                "| \(pair) | \(micro(with.onCPU / rounds)) | \(micro(without.onCPU / rounds)) | \(micro(added.last ?? 0)) | "
                    + "\(String(format: "%.1f %%", (shares.last ?? 0) * 100)) | \(IdleBenchmark.mib(with.rss)) / \(IdleBenchmark.mib(without.rss)) | "
                    + "\(IdleBenchmark.mib(with.anon)) / \(IdleBenchmark.mib(without.anon)) |")
        }
        func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
        print(
            "median of the pairs (\(series) series recorded): history adds \(micro(median(added))) a round "
                + "(\(String(format: "%.1f %%", median(shares) * 100)) of a round without it; aim ≤ 10 %), "
                + "\(IdleBenchmark.mib(median(resident))) resident (\(IdleBenchmark.mib(median(anonymous))) anonymous; aim ≤ 3 MiB)")
    }
}
