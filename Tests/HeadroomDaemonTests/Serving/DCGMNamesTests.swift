import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// Every dcgm-exporter name Headroom serves, through the real binary reading the fake
    /// driver: the value in dcgm-exporter's unit and its label set, so a dashboard or a
    /// recording rule written for dcgm-exporter reads the same numbers.
    @Suite("dcgm-exporter names")
    struct DCGMNamesTests {
        static let scenario = """
            gpus 1
            gpu 0 name NVIDIA L4
            gpu 0 uuid GPU-5eed
            gpu 0 bus 00000000:01:00.0
            gpu 0 total 25769803776
            gpu 0 used 12884901888
            gpu 0 reserved 536870912
            gpu 0 util 87
            gpu 0 memutil 41
            gpu 0 enc 12
            gpu 0 dec 7
            gpu 0 temp 66
            gpu 0 power 61250
            gpu 0 energy 12500000
            gpu 0 smclock 1980
            gpu 0 memclock 6251
            gpu 0 remap_corr 3
            gpu 0 remap_unc 1
            gpu 0 remap_failure 1
            """

        /// dcgm-exporter's name → the value expected in its unit (MiB, W, mJ, MHz, °C, %).
        static let expected: [(String, Double)] = [
            ("DCGM_FI_DEV_SM_CLOCK", 1980), ("DCGM_FI_DEV_MEM_CLOCK", 6251), ("DCGM_FI_DEV_GPU_TEMP", 66),
            ("DCGM_FI_DEV_POWER_USAGE", 61.25), ("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", 12_500_000),
            ("DCGM_FI_DEV_GPU_UTIL", 87), ("DCGM_FI_DEV_MEM_COPY_UTIL", 41), ("DCGM_FI_DEV_ENC_UTIL", 12), ("DCGM_FI_DEV_DEC_UTIL", 7),
            ("DCGM_FI_DEV_FB_FREE", 24576 - 12288 - 512), ("DCGM_FI_DEV_FB_USED", 12288), ("DCGM_FI_DEV_FB_RESERVED", 512),
            ("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", 1), ("DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", 3), ("DCGM_FI_DEV_ROW_REMAP_FAILURE", 1),
        ]

        @Test("all 15 dcgm-exporter names, in dcgm-exporter's units, with its label set")
        func everyName() async throws {
            let directory = try TemporaryDirectory()
            let fake = try FakeNVML(scenario: Self.scenario)
            let (daemon, port) = try await PrometheusScrapeTests.startHeadroom(directory, fake)
            let page = try await poll("a page with GPU series") { () async -> String? in
                guard let (status, body) = await httpGet("http://127.0.0.1:\(port)/metrics"), status == 200,
                    body.contains("DCGM_FI_DEV_FB_USED")
                else { return nil }
                return body
            }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            let text = try #require(page)
            let labels = #"{Hostname="gpu-node-7",UUID="GPU-5eed",device="nvidia0",gpu="0",modelName="NVIDIA L4",pci_bus_id="00000000:01:00.0"}"#
            for (name, value) in Self.expected {
                let line = text.split(separator: "\n").first { $0.hasPrefix(name + "{") }.map(String.init)
                #expect(line == "\(name)\(labels) \(Self.format(value))", "\(name): \(line ?? "absent")")
                #expect(text.contains("# TYPE \(name) "), "\(name) has no TYPE line")
            }
            let served = Set(text.split(separator: "\n").filter { $0.hasPrefix("DCGM_FI_") }.map { String($0.prefix { $0 != "{" }) })
            #expect(served == Set(Self.expected.map(\.0)), "served: \(served.sorted())")
        }

        /// Numbers as Prometheus text prints them: integers without a fraction.
        static func format(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
    }
}
