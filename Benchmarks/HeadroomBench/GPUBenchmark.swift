import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomTesting

/// One sample of 8 GPUs through the NVML collector (the fake driver, loaded with dlopen
/// exactly as the real one is) against one process spawn measured in the same run: the
/// least any nvidia-smi-spawning tool (GPUtil, many shell exporters) pays per query,
/// before nvidia-smi has even initialised NVML.
enum GPUBenchmark {
    static func run() throws {
        // 8 busy GPUs, two processes each; the processes are this one, so /proc attribution is real work.
        let pid = getpid()
        guard
            let fake = try FakeGPUHost.install(
                gpus: 8, procs: "\(pid):30000000000 \(pid):1000000000", settings: ["ecc_mode 1", "reasons 0x1"], title: "GPU sample")
        else { return }
        defer { withExtendedLifetime(fake) {} }

        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: RootedSystemFiles(root: "/"))
        let first = try collector.collect() // opens, initialises, enumerates once
        let gpus = first.filter { $0.name == "gpu_up" }.count

        var sample = Timings()
        var readOnly = Timings()
        var spawn = Timings()
        var sink = 0
        for _ in 0..<25 {
            sample.add(
                measure {
                    for _ in 0..<50 { sink &+= (try? collector.collect())?.count ?? 0 }
                } / 50)
            readOnly.add(
                measure {
                    for _ in 0..<50 { sink &+= (try? collector.read())?.gpus.count ?? 0 }
                } / 50)
            spawn.add(
                measure {
                    for _ in 0..<5 { sink &+= spawnTrue() }
                } / 5)
        }
        print("")
        print("## One GPU sample: \(gpus) GPUs through NVML (fake driver), \(first.count) series")
        print("| what | median | p10 | p90 | ratio to one sample |")
        print("|---|---|---|---|---|")
        print(
            "| Headroom: NVML collector, \(gpus) GPUs, processes attributed from /proc | \(micro(sample.median)) | \(micro(sample.percentile(0.1))) | \(micro(sample.percentile(0.9))) | 1.00× |"
        )
        print(
            "| of which NVML calls + /proc attribution (no series built) | \(micro(readOnly.median)) | \(micro(readOnly.percentile(0.1))) | \(micro(readOnly.percentile(0.9))) | \(String(format: "%.2f×", readOnly.median / sample.median)) |"
        )
        print(
            "| one process spawn (posix_spawn /bin/true + wait) | \(micro(spawn.median)) | \(micro(spawn.percentile(0.1))) | \(micro(spawn.percentile(0.9))) | \(String(format: "%.1f×", spawn.median / sample.median)) |"
        )
        print("a whole 8-GPU sample costs \(String(format: "%.2f", sample.median / spawn.median)) of one bare process spawn (sink \(sink % 10))")
    }

    /// Spawns `/bin/true` and waits for it: returns its exit status.
    static func spawnTrue() -> Int {
        var child: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&child, "/bin/true", nil, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        waitpid(child, &status, 0)
        return Int(status)
    }
}
