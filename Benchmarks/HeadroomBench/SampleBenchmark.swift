import CReadFloor
import Foundation
import HeadroomCollectors
import HeadroomCore

/// One full host + cgroup + PSI sample through Headroom's collectors, against a tiny C
/// reader of exactly the same files (kept open, `pread` at offset 0, no parsing).
enum SampleBenchmark {
    static func run() {
        let (paths, collectorCount, sampleCount) = steadyStateFiles()
        let cPaths = paths.map { strdup($0) }
        defer { cPaths.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = cPaths.map { UnsafePointer($0) }
        let floor = pointers.withUnsafeBufferPointer { hr_floor_open($0.baseAddress, Int32($0.count)) }
        defer { hr_floor_close(floor) }

        let live = CollectorCatalog.make(settings: CollectorSettings(), files: RootedSystemFiles(root: "/"))
        for collector in live { _ = try? collector.collect() }

        let batch = 200
        let rounds = 25
        var swift = Timings()
        var cPread = Timings()
        var cOpen = Timings()
        var sink = 0
        for _ in 0..<rounds {
            // Interleave the three so machine noise hits them alike.
            swift.add(
                measure {
                    for _ in 0..<batch { for collector in live { sink &+= (try? collector.collect())?.count ?? 0 } }
                } / Double(batch))
            cPread.add(
                measure {
                    for _ in 0..<batch { sink &+= hr_floor_sample_pread(floor) }
                } / Double(batch))
            cOpen.add(
                measure {
                    pointers.withUnsafeBufferPointer { buffer in
                        for _ in 0..<batch { sink &+= hr_floor_sample_open_read_close(buffer.baseAddress, Int32(buffer.count)) }
                    }
                } / Double(batch))
        }
        print("")
        print("## One full sample (\(collectorCount) collectors, \(paths.count) files, \(sampleCount) samples)")
        print("files: \(paths.joined(separator: " "))")
        print("| what | median | p10 | p90 | ratio to C pread floor |")
        print("|---|---|---|---|---|")
        for (name, timing) in [
            ("Headroom collectors (read + parse)", swift), ("C floor: pread on kept-open files", cPread), ("C: open/read/close each file", cOpen),
        ] {
            print(
                "| \(name) | \(micro(timing.median)) | \(micro(timing.percentile(0.1))) | \(micro(timing.percentile(0.9))) | \(String(format: "%.2f×", timing.median / cPread.median)) |"
            )
        }
        print("target: Headroom ≤ 1.5× the C pread floor → \(swift.median / cPread.median <= 1.5 ? "met" : "NOT met") (sink \(sink % 10))")
    }
}

/// The files a steady-state sample of the default collectors reads (after a warm-up: cgroup
/// discovery reads /proc/self/cgroup and mountinfo once): the C floor's files.
func steadyStateFiles() -> (paths: [String], collectors: Int, samples: Int) {
    let recorder = RecordingSystemFiles(RootedSystemFiles(root: "/"))
    let collectors = CollectorCatalog.make(settings: CollectorSettings(), files: recorder)
    for collector in collectors { _ = try? collector.collect() }
    recorder.reset()
    var sampleCount = 0
    for collector in collectors { sampleCount += (try? collector.collect())?.count ?? 0 }
    return (recorder.paths, collectors.count, sampleCount)
}

/// Wraps a SystemFiles and remembers which paths were read.
final class RecordingSystemFiles: SystemFiles, @unchecked Sendable {
    private let base: any SystemFiles
    private let lock = NSLock()
    private var seen: [String] = []

    init(_ base: any SystemFiles) { self.base = base }

    /// The real paths read, in first-read order.
    var paths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }

    func reset() {
        lock.lock()
        defer { lock.unlock() }
        seen.removeAll()
    }

    private func note(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        let real = base.describe(path)
        if !seen.contains(real) { seen.append(real) }
    }

    func read(_ path: String) throws(CollectorError) -> [UInt8]? {
        let result = try base.read(path)
        if result != nil { note(path) }
        return result
    }

    func listDirectory(_ path: String) -> [String]? { base.listDirectory(path) }
    func exists(_ path: String) -> Bool { base.exists(path) }
    func describe(_ path: String) -> String { base.describe(path) }
}
