import HeadroomCollectors
import HeadroomTesting
import Testing

/// The calls that name a GPU (read once, when NVML is opened), failed by the fake's
/// `gpu I error CALL CODE`: the GPU is still watched, under stand-in labels.
@Suite("NVML identity calls failing")
struct NVMLIdentityCallErrorTests {
    static let scenario = """
        gpus 2
        gpu 0 name NVIDIA L4
        gpu 0 uuid GPU-0000
        gpu 0 bus 00000000:01:00.0
        gpu 0 used 1073741824
        gpu 1 uuid GPU-1111
        """

    @Test(
        "a name, UUID or bus id the driver will not give: stand-in labels, every metric still read",
        arguments: [
            ("nvmlDeviceGetName", "NVIDIA GPU", "GPU-0000", "00000000:01:00.0"),
            ("nvmlDeviceGetUUID", "NVIDIA L4", "GPU-unknown-0", "00000000:01:00.0"),
            ("nvmlDeviceGetPciInfo_v3", "NVIDIA L4", "GPU-0000", ""),
        ])
    func identity(call: String, name: String, uuid: String, bus: String) throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\ngpu 0 error \(call) 999\n")
        let gpus = try NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:])).read().gpus
        try #require(gpus.count == 2)
        #expect(gpus[0].identity.name == name)
        #expect(gpus[0].identity.uuid == uuid)
        #expect(gpus[0].identity.pciBusID == bus)
        #expect(gpus[0].up && gpus[0].problem == nil)
        #expect(gpus[0].memoryUsed == 1_073_741_824)
        #expect(gpus[1].identity.uuid == "GPU-1111")
    }
}
