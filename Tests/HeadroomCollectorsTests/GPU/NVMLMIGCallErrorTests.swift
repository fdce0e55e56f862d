import Foundation
import HeadroomCollectors
import HeadroomTesting
import Testing

/// The calls that list a MIG-mode GPU's instances, failed by the fake's
/// `gpu I error CALL CODE` (which the GPU's instance handles answer too).
@Suite("NVML MIG calls failing")
struct NVMLMIGCallErrorTests {
    static let scenario = """
        gpus 1
        gpu 0 name NVIDIA A100-SXM4-40GB
        gpu 0 total 42949672960
        gpu 0 mig_mode 1
        gpu 0 mig 0 1 0 10737418240 2147483648
        gpu 0 mig 1 2 0 10737418240 9663676416
        """

    func read(_ extra: String) throws -> [GPUReading] {
        let fake = try FakeNVML(scenario: Self.scenario + "\n" + extra + "\n")
        return try NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:])).read().gpus
    }

    @Test(
        "the instance count or an instance handle refused: the GPU is read, its instances are not, silently",
        arguments: ["nvmlDeviceGetMaxMigDeviceCount", "nvmlDeviceGetMigDeviceHandleByIndex"])
    func noInstances(call: String) throws {
        let gpus = try read("gpu 0 error \(call) 999")
        #expect(gpus.count == 1)
        #expect(gpus[0].up && gpus[0].problem == nil)
        #expect(gpus[0].migEnabled == true)
    }

    @Test("an instance's GPU-instance id refused: it is labelled by its position instead")
    func gpuInstanceID() throws {
        let instances = try read("gpu 0 error nvmlDeviceGetGpuInstanceId 999").dropFirst()
        #expect(instances.map(\.identity.gpuInstance) == [0, 1])
        #expect(instances.map(\.identity.computeInstance) == [0, 0])
        #expect(instances.map(\.memoryUsedPercent) == [20, 90])
    }

    @Test("an instance's compute-instance id refused: it is labelled compute instance 0")
    func computeInstanceID() throws {
        let fake = try FakeNVML(
            scenario: Self.scenario.replacingOccurrences(of: "mig 1 2 0", with: "mig 1 2 3")
                + "\ngpu 0 error nvmlDeviceGetComputeInstanceId 999\n")
        let instances = try NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:])).read().gpus.dropFirst()
        #expect(instances.map(\.identity.gpuInstance) == [1, 2])
        #expect(instances.map(\.identity.computeInstance) == [0, 0])
    }

    @Test("memory refused: the instances are listed without memory and without a reason; the GPU names the call")
    func instanceMemory() throws {
        let gpus = try read("gpu 0 error nvmlDeviceGetMemoryInfo_v2 999")
        #expect(gpus.count == 3)
        #expect(gpus[0].problem == "memory: NVML_ERROR_UNKNOWN (Unknown Error)")
        #expect(gpus.dropFirst().allSatisfy { $0.up && $0.memoryTotal == nil && $0.problem == nil })
    }
}
