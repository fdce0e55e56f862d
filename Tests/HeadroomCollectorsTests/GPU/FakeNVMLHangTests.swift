import Foundation
import HeadroomCollectors
import HeadroomTesting
import Testing

/// The fake's `hang` is a stuck driver: the hung call keeps the driver's lock, so every
/// other call waits behind it (the event wait too), and only `release` frees them. The
/// stats and `release` answer meanwhile.
@Suite("Fake NVML: a hung call blocks every call")
struct FakeNVMLHangTests {
    /// What a thread of its own saw, read from the test's task.
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Int32?
        var value: Int32? { lock.withLock { result } }
        func finish(_ value: Int32) { lock.withLock { result = value } }
    }

    typealias Count = @convention(c) (UnsafeMutablePointer<UInt32>) -> Int32

    @Test("while a collector's call hangs, a second caller's call waits for it; release frees both")
    func hangBlocksEveryCall() async throws {
        // The hang ends by itself only after 120 s (the test releases it): the suite's first
        // half-minute can delay this task's waits by 20 s and more, and a hang that ended by
        // itself meanwhile would leave nothing for the second call to queue behind.
        let fake = try FakeNVML(scenario: "gpus 2\nhang_seconds 120\nat 1 gpu 0 hang memory\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
        #expect(try collector.read().gpus.count == 2)
        fake.setStep(1)

        let stuck = Outcome()
        Thread {
            let gpus = (try? collector.read().gpus) ?? []
            stuck.finish(gpus.first?.memoryTotal == nil ? -1 : 0)
        }.start()
        #expect(await fake.wait(until: "hung", atLeast: 1) == 1)

        // Any other call, even one that touches no GPU, queues behind the hung one.
        let second = Outcome()
        Thread {
            var count: UInt32 = 0
            let code = (try? fake.function("nvmlDeviceGetCount_v2", as: Count.self)).map { $0(&count) } ?? -1
            second.finish(code == 0 && count == 2 ? 0 : code)
        }.start()
        #expect(await fake.wait(until: "inflight", atLeast: 2) == 2)
        try await Task.sleep(for: .milliseconds(200))
        #expect(stuck.value == nil)
        #expect(second.value == nil)

        fake.release()
        for _ in 0..<2000 where stuck.value == nil || second.value == nil { try await Task.sleep(for: .milliseconds(5)) }
        #expect(stuck.value == 0) // the hung round finished, its memory read
        #expect(second.value == 0) // the queued call answered
        #expect(fake.stat("max_inflight") == 2)
        #expect(fake.stat("inflight") == 0)
    }
}
