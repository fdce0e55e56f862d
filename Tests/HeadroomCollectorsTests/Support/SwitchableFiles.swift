import HeadroomCollectors
import HeadroomTesting
import Synchronization

/// Files whose content the test swaps between reads.
final class SwitchableFiles: SystemFiles {
    private let current: Mutex<InMemorySystemFiles>

    init(_ files: InMemorySystemFiles) { current = Mutex(files) }

    func replace(_ files: InMemorySystemFiles) { current.withLock { $0 = files } }

    private var files: InMemorySystemFiles { current.withLock { $0 } }
    func read(_ path: String) throws(CollectorError) -> [UInt8]? { try files.read(path) }
    func listDirectory(_ path: String) -> [String]? { files.listDirectory(path) }
    func exists(_ path: String) -> Bool { files.exists(path) }
    func describe(_ path: String) -> String { files.describe(path) }
}
