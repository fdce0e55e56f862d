import Dispatch
import Foundation
import HeadroomCollectors
import Synchronization
import Testing

@Suite("RootedSystemFiles")
struct RootedSystemFilesTests {
    /// A fresh directory for one test, removed afterwards.
    final class Scratch {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "headroom-files-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path + "/proc/pressure", withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func write(_ relative: String, _ text: String) throws {
            // Not atomic: rewrite the same inode, as the kernel regenerates procfs content in place.
            try Data(text.utf8).write(to: URL(fileURLWithPath: path + relative))
        }
    }

    @Test("host paths resolve under the root, a trailing slash or not")
    func rooted() throws {
        let scratch = try Scratch()
        try scratch.write("/proc/loadavg", "0.52 0.58 0.59 3/467 12345\n")
        for root in [scratch.path, scratch.path + "/", scratch.path + "//"] {
            let files = RootedSystemFiles(root: root)
            #expect(files.root == scratch.path)
            #expect(files.describe("/proc/loadavg") == scratch.path + "/proc/loadavg")
            #expect(try files.readText("/proc/loadavg") == "0.52 0.58 0.59 3/467 12345\n")
            #expect(files.exists("/proc/loadavg") && files.exists("/proc") && !files.exists("/proc/stat"))
            #expect(files.listDirectory("/proc") == ["loadavg", "pressure"])
            #expect(files.listDirectory("/sys") == nil)
        }
        #expect(RootedSystemFiles().root == "/" && RootedSystemFiles(root: "").root == "/")
        #expect(RootedSystemFiles().describe("/proc/stat") == "/proc/stat")
    }

    @Test("a kept-open file is read afresh every time; a missing file is looked up again")
    func fresh() throws {
        let scratch = try Scratch()
        let files = RootedSystemFiles(root: scratch.path)
        #expect(try files.read("/proc/pressure/cpu") == nil)
        try scratch.write("/proc/pressure/cpu", "some avg10=1.00\n")
        #expect(try files.readText("/proc/pressure/cpu") == "some avg10=1.00\n")
        try scratch.write("/proc/pressure/cpu", "some avg10=2.50 avg60=1.00\n")
        #expect(try files.readText("/proc/pressure/cpu") == "some avg10=2.50 avg60=1.00\n")
        try scratch.write("/proc/pressure/cpu", "x\n")
        #expect(try files.readText("/proc/pressure/cpu") == "x\n")
    }

    static let sizes = [0, 1, 4095, 4096, 4097, 8192, 100_000, 1_000_003]

    @Test("any size is read whole, including sizes at the buffer's edges and files that grow", arguments: sizes)
    func wholeFile(size: Int) throws {
        let scratch = try Scratch()
        let files = RootedSystemFiles(root: scratch.path)
        let content = String(String(repeating: "abcdefgh\n", count: size / 9 + 1).prefix(size))
        try scratch.write("/proc/stat", content)
        #expect(try files.read("/proc/stat") == Array(content.utf8))
        let larger = content + String(repeating: "z", count: size + 10)
        try scratch.write("/proc/stat", larger)
        #expect(try files.read("/proc/stat") == Array(larger.utf8))
    }

    @Test("many threads reading the same and different files at once")
    func concurrent() throws {
        let scratch = try Scratch()
        let names = (0..<8).map { "/proc/file\($0)" }
        for (index, name) in names.enumerated() { try scratch.write(name, String(repeating: "\(index)", count: 3000 * (index + 1)) + "\n") }
        let files = RootedSystemFiles(root: scratch.path)
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 64) { iteration in
            for round in 0..<50 {
                let index = (iteration + round) % names.count
                let bytes = try? files.read(names[index])
                if bytes?.count != 3000 * (index + 1) + 1 { mismatches.withLock { $0 += 1 } }
            }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }

    @Test("procfs through a kept-open descriptor: each read regenerates the content")
    func procfs() throws {
        let files = RootedSystemFiles()
        // rchar counts the bytes this process has read, so the second reading must be larger.
        func rchar() throws -> Int64? {
            let text = try #require(try files.readText("/proc/self/io"))
            return text.split(separator: "\n").first { $0.hasPrefix("rchar:") }.flatMap { Int64($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
        }
        let first = try #require(try rchar())
        let second = try #require(try rchar())
        #expect(second > first)
        #expect(try files.read("/proc/does-not-exist") == nil)
    }

    @Test("readEntire reads to the end a /proc file the kernel hands over a page of records at a time")
    func pagedProcFile() throws {
        let files = RootedSystemFiles()
        // This process's mappings: its executable, the libraries, the heap, the threads'
        // stacks; well over a page, and always ending with the kernel's own mappings.
        let entire = String(decoding: try #require(try files.readEntire("/proc/self/maps")), as: UTF8.self)
        #expect(entire.utf8.count > 8192, "\(entire.utf8.count) bytes")
        #expect(entire.hasSuffix("\n"))
        #expect(entire.contains("[stack]") && entire.contains("[vdso]"), "the last mappings are missing")
        // One read (what `read` does, right for the files collectors read every round)
        // stops after the first page of this one.
        let once = try #require(try files.read("/proc/self/maps"))
        #expect(once.count < entire.utf8.count)
        #expect(try files.readEntire("/proc/does-not-exist") == nil)
        #expect(throws: CollectorError.self) { try files.readEntire("/proc/self") }
    }

    @Test("a directory is not a readable file: the error names it")
    func directory() throws {
        let scratch = try Scratch()
        let error = failure { () throws(CollectorError) in try RootedSystemFiles(root: scratch.path).read("/proc") }
        #expect(error == "cannot read \(scratch.path)/proc: Is a directory")
    }
}
