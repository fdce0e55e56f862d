import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// The real binary finding the fake driver the way it finds a real one: by soname,
    /// through the dynamic loader (`LD_LIBRARY_PATH`, as the NVIDIA container toolkit sets it).
    @Suite("GPU command line")
    struct GPUCommandLineTests {
        static let scenario = """
            gpus 2
            gpu 0 name NVIDIA L4
            gpu 0 total 25769803776
            gpu 0 used 20401094656
            gpu 0 reserved 536870912
            gpu 0 util 87
            gpu 0 temp 86
            gpu 0 reasons 0x40
            pname 4242 /usr/bin/python3
            gpu 0 procs 4242:19541180416
            gpu 1 name NVIDIA A100-SXM4-80GB
            gpu 1 total 85899345920
            gpu 1 used 1073741824
            """

        @Test("headroom gpus: one block per GPU with memory bar, utilisation, temperature, power, throttling and processes")
        func table() async throws {
            let fake = try FakeNVML(scenario: Self.scenario)
            let (status, stdout, stderr) = try await HeadroomProcess.run(["gpus"], environment: ["LD_LIBRARY_PATH": fake.directory])
            #expect(status == 0, "\(stderr)")
            let lines = stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "NVIDIA driver 550.54.15 (\(fake.libraryPath))")
            #expect(lines.contains { $0.hasPrefix("[0] NVIDIA L4") && $0.contains("86°C  87% util  30 / 72 W  throttled: hw_thermal_slowdown") })
            #expect(lines.contains("    memory [████████████████████░░░░] 19.5 GiB / 24.0 GiB  81.3%  (512.0 MiB reserved by the driver)"))
            #expect(lines.contains { $0.hasPrefix("    pid 4242    18.2 GiB   python3") })
            #expect(lines.contains { $0.hasPrefix("[1] NVIDIA A100-SXM4-80GB") })
            #expect(lines.contains("amd: no amdgpu device under /sys/class/drm (no AMD GPU, or /sys not mounted there)"))
            #expect(!stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        }

        @Test("headroom gpus --json: unit-suffixed fields, the percentage, and why a vendor is unavailable")
        func json() async throws {
            let fake = try FakeNVML(scenario: Self.scenario)
            let (status, stdout, _) = try await HeadroomProcess.run(["gpus", "--json"], environment: ["LD_LIBRARY_PATH": fake.directory])
            #expect(status == 0)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
            let vendors = try #require(document["vendors"] as? [[String: Any]])
            #expect(vendors.map { $0["vendor"] as? String } == ["nvidia", "amd"])
            #expect(vendors[1]["available"] as? Bool == false)
            #expect((vendors[1]["reason"] as? String)?.contains("no amdgpu device") == true)
            let gpus = try #require(vendors[0]["gpus"] as? [[String: Any]])
            #expect(gpus.count == 2)
            #expect(gpus[0]["memory_total_bytes"] as? Double == 25_769_803_776)
            #expect(gpus[0]["memory_used_percent"] as? Double == 81.25)
            #expect(gpus[0]["temperature_celsius"] as? Double == 86)
            #expect((gpus[0]["identity"] as? [String: Any])?["name"] as? String == "NVIDIA L4")
            let processes = try #require(gpus[0]["processes"] as? [[String: Any]])
            #expect(processes.first?["pid"] as? Int == 4242)
        }

        @Test("headroom gpus --watch redraws until interrupted, following the driver's values")
        func watch() async throws {
            let fake = try FakeNVML(scenario: Self.scenario + "\nauto_step_ms 300\nat 1 gpu 1 used 42949672960\n")
            let child = try HeadroomProcess(["gpus", "--watch", "--interval", "0.1"], environment: ["LD_LIBRARY_PATH": fake.directory])
            defer { child.signal(SIGKILL) }
            let redrew = try await child.waitFor("the second GPU to reach 50 %") { out, _ in
                out.components(separatedBy: "\u{1B}[H\u{1B}[2J").count > 2 && out.contains("40.0 GiB / 80.0 GiB  50.0%")
            }
            #expect(redrew)
            #expect(child.stdout.contains("1.0 GiB / 80.0 GiB  1.3%"))
        }

        @Test("headroom check on GPUs: a perfdata label per GPU index and a finding that names the GPU by it")
        func check() async throws {
            let fake = try FakeNVML(scenario: Self.scenario)
            let directory = try TemporaryDirectory()
            let path = try directory.write(
                "gpu.yaml", "default_rules: false\nrules:\n  - {name: gpu_full, metric: gpu_memory_used_percent, at_least: 80, severity: warning}\n")
            let (status, stdout, stderr) = try await HeadroomProcess.run(
                ["check", "--config", path, "--delay", "100ms"], environment: ["LD_LIBRARY_PATH": fake.directory])
            #expect(status == 1, "\(stderr)")
            #expect(stdout.hasPrefix(#"HEADROOM WARNING - gpu_full: gpu_memory_used_percent{gpu="0"} 81.3% ≥ 80.0%"#), "\(stdout)")
            #expect(stdout.contains("'gpu_memory_used_percent_0'=81.25%;80;;0;100") && stdout.contains("'gpu_memory_used_percent_1'=1.25%"), "\(stdout)")
            // The UUID and model are labels for machines: the JSON form carries them.
            #expect(!stdout.contains("GPU-") && !stdout.contains("NVIDIA L4"), "\(stdout)")
            let (_, json, _) = try await HeadroomProcess.run(
                ["check", "--config", path, "--delay", "100ms", "--format", "json"], environment: ["LD_LIBRARY_PATH": fake.directory])
            #expect(json.contains(#""name":"NVIDIA L4""#), "\(json)")
        }

        @Test("no driver anywhere: exit 1 with where it looked and what to do")
        func noDriver() async throws {
            let (status, stdout, _) = try await HeadroomProcess.run(["gpus"])
            #expect(status == 1)
            #expect(stdout.contains("nvidia: libnvidia-ml.so.1 not found"))
            #expect(stdout.contains("--gpus all"))
        }

        @Test("the daemon finds the driver by soname, logs what it found once, and alerts on GPU memory")
        func daemon() async throws {
            let fake = try FakeNVML(scenario: Self.scenario)
            let directory = try TemporaryDirectory()
            let path = try directory.write(
                "headroom.yaml",
                """
                interval: 250ms
                collectors:
                  disabled: [cpu, memory, load, cgroup, pressure, amdgpu]
                channels:
                  - type: jsonlog
                    path: "-"
                """)
            let daemon = try HeadroomProcess(
                ["run", "--config", path],
                environment: [
                    "LD_LIBRARY_PATH": fake.directory, "HEADROOM_RULES_GPU_MEMORY_HIGH_FOR": "500ms",
                ])
            defer { daemon.signal(SIGKILL) }
            let fired = try await daemon.waitFor("gpu_memory_high") { out, _ in
                jsonLines(out).contains { $0["rule"] as? String == "gpu_memory_high" && $0["status"] as? String == "firing" }
            }
            #expect(fired)
            let alert = try #require(jsonLines(daemon.stdout).first { $0["rule"] as? String == "gpu_memory_high" })
            #expect((alert["labels"] as? [String: String])?["name"] == "NVIDIA L4")
            #expect((alert["summary"] as? String)?.contains("pid 4242 python3 holds 18.2 GiB") == true)
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            let announced = "NVIDIA driver 550.54.15: 2 GPUs (GPU 0 NVIDIA L4 24.0 GiB, GPU 1 NVIDIA A100-SXM4-80GB 80.0 GiB)"
            #expect(daemon.stderr.components(separatedBy: announced).count - 1 == 1, "\(daemon.stderr)")
        }
    }
}
