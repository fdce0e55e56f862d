import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

/// The Xid event calls (set creation, supported types, registration, wait, free), failed by
/// the fake's `error` lines: Xid watching degrades, GPU metrics never do.
@Suite("NVML event calls failing")
struct NVMLEventCallErrorTests {
    static let scenario = """
        gpus 2
        gpu 0 used 1073741824
        gpu 1 used 2147483648
        at 1 gpu 0 xid 79
        at 1 gpu 1 xid 79
        """

    static func watched(_ snapshot: GPUSnapshot) -> [Int] {
        snapshot.gpus.filter { $0.xidCounts != nil }.map(\.identity.index)
    }

    static func hardwareXids(_ snapshot: GPUSnapshot, gpu: Int) -> Double? {
        snapshot.gpus[gpu].xidCounts?["hardware"]
    }

    @Test("event set creation refused: no GPU is watched for Xids, no wait is ever made, every metric is read")
    func createRefused() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlEventSetCreate 999\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
        let snapshot = try collector.read()
        #expect(Self.watched(snapshot).isEmpty)
        #expect(!snapshot.samples.contains { $0.name == "gpu_xid_errors_total" })
        #expect(snapshot.gpus.map(\.memoryUsed) == [1_073_741_824, 2_147_483_648])
        #expect(snapshot.gpus.allSatisfy { $0.up && $0.problem == nil })
        #expect(fake.stat("event_waits") == 0)
    }

    @Test(
        "one GPU's supported event types or registration refused: that GPU is not watched, the other is",
        arguments: ["nvmlDeviceGetSupportedEventTypes 999", "nvmlDeviceRegisterEvents 3", "nvmlDeviceRegisterEvents 15"])
    func oneGPUUnwatched(error: String) throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\ngpu 1 error \(error)\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
        #expect(Self.watched(try collector.read()) == [0])
        fake.setStep(1)
        let snapshot = try collector.read()
        #expect(Self.hardwareXids(snapshot, gpu: 0) == 1)
        #expect(Self.hardwareXids(snapshot, gpu: 1) == nil)
        #expect(snapshot.gpus[1].up && snapshot.gpus[1].memoryUsed == 2_147_483_648)
    }

    @Test("registration answering UNKNOWN (the set is then undefined): Xid watching is off for every GPU, metrics are read")
    func registrationUnknown() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\ngpu 1 error nvmlDeviceRegisterEvents 999\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
        let snapshot = try collector.read()
        #expect(Self.watched(snapshot).isEmpty)
        #expect(snapshot.gpus.map(\.memoryUsed) == [1_073_741_824, 2_147_483_648])
        #expect(fake.stat("event_waits") == 0)
    }

    @Test("the wait failing: the counters stay at zero, one refused wait a round and no more, metrics are read")
    func waitFails() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlEventSetWait_v2 999\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
        #expect(Self.watched(try collector.read()) == [0, 1])
        fake.setStep(1)
        var snapshot = try collector.read()
        for _ in 0..<3 { snapshot = try collector.read() }
        #expect(Self.hardwareXids(snapshot, gpu: 0) == 0)
        #expect(snapshot.gpus.allSatisfy { $0.up && $0.memoryUsed != nil })
        #expect(fake.stat("event_waits") == 5)
    }

    @Test("the wait failing, then answering again: the Xids queued meanwhile are counted in the next round")
    func waitRecovers() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlEventSetWait_v2 999\nat 2 error nvmlEventSetWait_v2 0\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
        _ = try collector.read()
        fake.setStep(1)
        #expect(Self.hardwareXids(try collector.read(), gpu: 1) == 0)
        fake.setStep(2)
        let snapshot = try collector.read()
        #expect(Self.hardwareXids(snapshot, gpu: 0) == 1)
        #expect(Self.hardwareXids(snapshot, gpu: 1) == 1)
    }

    @Test("freeing the set refused when the collector goes away: NVML is still shut down, nothing crashes")
    func freeRefused() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlEventSetFree 999\n")
        do {
            let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
            #expect(Self.watched(try collector.read()) == [0, 1])
        }
        #expect(fake.stat("shutdown") == 1)
    }
}
