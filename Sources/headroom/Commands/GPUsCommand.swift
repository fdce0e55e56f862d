import ArgumentParser
import Foundation
import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomNotify

/// `headroom gpus`: the GPUs at a glance, or as JSON.
struct GPUsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpus",
        abstract: "Show every GPU: memory bar, utilisation, temperature, power and processes.",
        discussion: """
            Reads NVIDIA GPUs through NVML (libnvidia-ml.so.1, or collectors.nvml_library) and AMD \
            GPUs through amdgpu's sysfs files (under collectors.root), the same way the daemon does. \
            Memory is what can no longer be allocated (allocations plus the driver's reserve) out of \
            the total. Processes are named with their container when Headroom can see the host's \
            PIDs (run on the host, or with --pid=host). Exits 1 when no GPU could be read.

            EXAMPLES
              headroom gpus
              headroom gpus --watch --interval 2
              headroom gpus --json | jq '.vendors[].gpus[].memory_used_percent'
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (for collectors.root and collectors.nvml_library).")
    var config: String?

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Flag(name: .shortAndLong, help: "Redraw until interrupted.")
    var watch = false

    @Option(name: .shortAndLong, help: "Seconds between redraws with --watch.")
    var interval: Double = 1

    func run() async throws {
        var settings = CollectorSettings()
        switch ConfigurationSource(explicitPath: config).load() {
        case .failure(let errors):
            printError(errors.description)
            throw ExitCode(2)
        case .success(let loaded):
            settings = loaded.configuration.collectors
        }
        guard interval >= 0.1 else {
            printError("--interval must be at least 0.1 seconds")
            throw ExitCode(2)
        }
        let files = RootedSystemFiles(root: settings.root)
        let nvidia = NVMLCollector(libraryPath: settings.nvmlLibrary, files: files)
        let amd = AMDGPUCollector(files: files)
        let color = !json && isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        repeat {
            var snapshots: [GPUSnapshot] = []
            var unavailable: [String: String] = [:]
            do { snapshots.append(try nvidia.read()) } catch { unavailable["nvidia"] = error.description }
            do { snapshots.append(try amd.read()) } catch { unavailable["amd"] = error.description }
            let found = snapshots.contains { !$0.gpus.isEmpty }
            if json {
                print(try Self.json(snapshots, unavailable: unavailable))
            } else {
                if watch { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                print(GPUTable.render(snapshots, unavailable: unavailable, color: color), terminator: "")
            }
            if !watch {
                if !found { throw ExitCode(1) }
                return
            }
            try await TimedWait.sleep(for: .milliseconds(Int(interval * 1000)))
        } while true
    }

    /// `{"time": …, "vendors": [{vendor, available, reason?, driver_version, gpus: [...]}]}`.
    static func json(_ snapshots: [GPUSnapshot], unavailable: [String: String]) throws -> String {
        struct Vendor: Encodable {
            var vendor: String
            var available: Bool
            var reason: String?
            var snapshot: GPUSnapshot?
            enum Keys: String, CodingKey { case vendor, available, reason, driverVersion, driverProblem, library, gpus, skipped, missingSymbols }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(vendor, forKey: .vendor)
                try container.encode(available, forKey: .available)
                try container.encodeIfPresent(reason, forKey: .reason)
                guard let snapshot else { return }
                try container.encodeIfPresent(snapshot.driverVersion, forKey: .driverVersion)
                try container.encodeIfPresent(snapshot.driverProblem, forKey: .driverProblem)
                try container.encode(snapshot.library, forKey: .library)
                try container.encode(snapshot.gpus.map(GPUJSON.init), forKey: .gpus)
                try container.encode(snapshot.skipped, forKey: .skipped)
                try container.encode(snapshot.missingSymbols, forKey: .missingSymbols)
            }
        }
        struct Document: Encodable {
            var time: String
            var vendors: [Vendor]
        }
        var vendors = snapshots.map { Vendor(vendor: $0.vendor, available: $0.driverProblem == nil, snapshot: $0) }
        vendors += unavailable.sorted { $0.key < $1.key }.map { Vendor(vendor: $0.key, available: false, reason: $0.value) }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(time: ISO8601DateFormatter().string(from: Date()), vendors: vendors)
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}

/// One GPU in `headroom gpus --json`: the reading plus the derived percentage.
struct GPUJSON: Encodable {
    let reading: GPUReading
    init(_ reading: GPUReading) { self.reading = reading }

    enum Keys: String, CodingKey { case memoryUsedPercent }

    func encode(to encoder: any Encoder) throws {
        try reading.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(reading.memoryUsedPercent, forKey: .memoryUsedPercent)
    }
}
