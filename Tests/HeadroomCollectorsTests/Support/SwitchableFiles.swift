import HeadroomCollectors
import HeadroomTesting
import Synchronization

/// Files whose content the test swaps between reads; it counts the reads of each path.
final class SwitchableFiles: SystemFiles {
    private let current: Mutex<InMemorySystemFiles>
    private let counts = Mutex<[String: Int]>([:])

    init(_ files: InMemorySystemFiles) { current = Mutex(files) }

    func replace(_ files: InMemorySystemFiles) { current.withLock { $0 = files } }

    private var files: InMemorySystemFiles { current.withLock { $0 } }
    func read(_ path: String) throws(CollectorError) -> [UInt8]? {
        counts.withLock { $0[path, default: 0] += 1 }
        return try files.read(path)
    }

    /// How many times `path` was read.
    func reads(of path: String) -> Int { counts.withLock { $0[path] ?? 0 } }
    func listDirectory(_ path: String) -> [String]? { files.listDirectory(path) }
    func exists(_ path: String) -> Bool { files.exists(path) }
    func describe(_ path: String) -> String { files.describe(path) }
}
