import Foundation

/// The package's fake NVML driver, set up for a daemon to load as it would load a real one:
/// `libFakeNVML.so` copied as `libnvidia-ml.so.1` into a workspace, with a scenario of busy
/// H100s beside it (`fake-nvml.scenario`).
enum FakeGPUHost {
    /// Installs the driver with `gpus` GPUs, each listing the processes `procs` (`PID:BYTES …`,
    /// the scenario's syntax) and set as `settings` say (`ecc_mode 1`, …); this process is named
    /// after its binary. Returns the library's path, or nil after a line saying the benchmark
    /// `title` is skipped (the fake not built).
    static func install(in directory: URL, gpus: Int, procs: String, settings: [String] = [], title: String) throws -> String? {
        let built = (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/libFakeNVML.so"
        guard FileManager.default.fileExists(atPath: built) else {
            print("\n## \(title): skipped, \(built) not built (scripts/bench.sh builds it)")
            return nil
        }
        let library = directory.appendingPathComponent("libnvidia-ml.so.1").path
        try FileManager.default.copyItem(atPath: built, toPath: library)
        var lines = ["gpus \(gpus)", "pname \(getpid()) \(CommandLine.arguments[0])"]
        for gpu in 0..<gpus {
            lines += [
                "gpu \(gpu) name NVIDIA H100 80GB HBM3", "gpu \(gpu) total 85899345920", "gpu \(gpu) used \((40 + gpu) * 1_000_000_000)",
                "gpu \(gpu) reserved 536870912", "gpu \(gpu) util 93",
            ]
            lines += settings.map { "gpu \(gpu) \($0)" } + ["gpu \(gpu) procs \(procs)"]
        }
        try lines.joined(separator: "\n").write(toFile: directory.appendingPathComponent("fake-nvml.scenario").path, atomically: true, encoding: .utf8)
        return library
    }

    /// A PID no process has: PIDs stay below `pid_max`. A GPU process with it is one Headroom
    /// cannot see, as from a container without the host's PIDs.
    static var invisiblePID: Int {
        let text = (try? String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)) ?? ""
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 4_194_304
    }
}
