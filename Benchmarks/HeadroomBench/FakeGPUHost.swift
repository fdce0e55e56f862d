import Foundation
import HeadroomTesting

/// The package's fake NVML driver (`FakeNVML`, the tests' own copy of it) playing busy H100s,
/// for a daemon or a collector to load as it would load a real driver.
enum FakeGPUHost {
    /// The driver with `gpus` GPUs, each listing the processes `procs` (`PID:BYTES …`, the
    /// scenario's syntax) and set as `settings` say (`ecc_mode 1`, …); this process is named
    /// after its binary. Keep it for as long as it is used (its directory goes with it). Nil
    /// after a line saying the benchmark `title` is skipped (the fake not built).
    static func install(gpus: Int, procs: String, settings: [String] = [], title: String) throws -> FakeNVML? {
        let built = FakeNVML.buildDirectory + "/" + FakeNVML.Variant.current.rawValue
        guard FileManager.default.fileExists(atPath: built) else {
            print("\n## \(title): skipped, \(built) not built (scripts/bench.sh builds it)")
            return nil
        }
        var lines = ["gpus \(gpus)", "pname \(getpid()) \(CommandLine.arguments[0])"]
        for gpu in 0..<gpus {
            lines += [
                "gpu \(gpu) name NVIDIA H100 80GB HBM3", "gpu \(gpu) total 85899345920", "gpu \(gpu) used \((40 + gpu) * 1_000_000_000)",
                "gpu \(gpu) reserved 536870912", "gpu \(gpu) util 93",
            ]
            lines += settings.map { "gpu \(gpu) \($0)" } + ["gpu \(gpu) procs \(procs)"]
        }
        return try FakeNVML(scenario: lines.joined(separator: "\n"))
    }

    /// A PID no process has: PIDs stay below `pid_max`. A GPU process with it is one Headroom
    /// cannot see, as from a container without the host's PIDs.
    static var invisiblePID: Int {
        let text = (try? String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)) ?? ""
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 4_194_304
    }
}
