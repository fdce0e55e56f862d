#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import Synchronization

/// The live file system under a root directory: `/`, or `/host` in a container that
/// mounts the host's `/proc` and `/sys` there.
///
/// Each file is opened once and kept open; every read is one `pread` at offset 0, which
/// makes procfs, sysfs and cgroupfs generate fresh content without an open and close per
/// sample (about half the cost of a sample). The bytes land directly in the array that is
/// returned, sized from the file's previous length, so there is no shared buffer, no copy,
/// and no lock held during I/O: one collector stuck in a read never blocks another.
///
/// A descriptor whose read fails with ESTALE, ENODEV or EBADF (a removed cgroup, a
/// remounted file system) is dropped and the file reopened once. "Missing" is never
/// cached: a file that did not exist is looked up again on the next read.
///
/// Kept-open descriptors follow the inode they opened. That is what procfs and sysfs need;
/// a regular file (a fixture tree) replaced by rename keeps reading the old content until
/// this instance is discarded.
public final class RootedSystemFiles: SystemFiles {
    /// The directory host paths are resolved under, without a trailing slash (`/` for the real root).
    public let root: String
    private let openFiles = Mutex<[String: OpenFile]>([:])

    /// Beyond this many kept-open files (a cgroup that keeps being recreated under new
    /// names), all are closed and reopened on demand, so descriptors cannot leak.
    private static let maximumOpenFiles = 256
    /// Capacity of the first read of a file whose size is not known yet.
    private static let initialCapacity = 4096

    /// A kept-open descriptor; closed when the last reader lets go of it, so a
    /// descriptor dropped by one thread is never closed under another's `pread`.
    private final class OpenFile: Sendable {
        let descriptor: Int32
        /// Length of the last read, to size the next buffer.
        let lastLength = Atomic<Int>(0)
        init(_ descriptor: Int32) { self.descriptor = descriptor }
        deinit { close(descriptor) }
    }

    /// Resolves host paths under `root` (`/` by default).
    public init(root: String = "/") {
        var trimmed = root
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed.isEmpty ? "/" : trimmed
    }

    /// `root` + `path` (`path` itself under `/`).
    public func describe(_ path: String) -> String {
        root == "/" ? path : root + path
    }

    /// Whether the path exists under the root (one `access` call).
    public func exists(_ path: String) -> Bool {
        access(describe(path), F_OK) == 0
    }

    /// The entries of a directory under the root, sorted.
    public func listDirectory(_ path: String) -> [String]? {
        guard let directory = opendir(describe(path)) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// One `pread` at offset 0 on the kept-open file (opened on first use); nil when it does not exist.
    public func read(_ path: String) throws(CollectorError) -> [UInt8]? {
        let real = describe(path)
        var reopened = false
        while true {
            guard let file = try openFile(real) else { return nil }
            let code: Int32
            switch Self.readWhole(file) {
            case .success(let bytes): return bytes
            case .failure(let failure): code = failure.code
            }
            forget(real, file)
            // The inode went away under the kept-open descriptor: look the path up again, once.
            if !reopened, code == ESTALE || code == ENODEV || code == EBADF || code == ENOENT {
                reopened = true
                continue
            }
            if code == EOPNOTSUPP { throw .unavailable("\(real): \(Self.describe(errno: code))") }
            throw .failed("cannot read \(real): \(Self.describe(errno: code))")
        }
    }

    /// Opens the file and reads it to its end, a page at a time as the kernel hands it over;
    /// no kept-open descriptor (read once: `mountinfo` at start, `smaps` after it).
    public func readEntire(_ path: String) throws(CollectorError) -> [UInt8]? {
        let real = describe(path)
        guard let descriptor = try Self.openDescriptor(real) else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { readDescriptor(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += chunk[..<count]
            } else if count == 0 {
                return bytes
            } else {
                let code = errno
                if code == EOPNOTSUPP { throw .unavailable("\(real): \(Self.describe(errno: code))") }
                if code != EINTR { throw .failed("cannot read \(real): \(Self.describe(errno: code))") }
            }
        }
    }

    // MARK: - Descriptors

    /// The kept-open file for `real`, opening it when needed; nil when it does not exist.
    private func openFile(_ real: String) throws(CollectorError) -> OpenFile? {
        if let file = openFiles.withLock({ $0[real] }) { return file }
        guard let descriptor = try Self.openDescriptor(real) else { return nil }
        let fresh = OpenFile(descriptor)
        return openFiles.withLock { files in
            // Another thread may have opened it meanwhile: keep one (the other closes on release).
            if let existing = files[real] { return existing }
            if files.count >= Self.maximumOpenFiles { files.removeAll() }
            files[real] = fresh
            return fresh
        }
    }

    /// Opens `real` for reading; nil when it does not exist. The one place an open's failure
    /// becomes a `CollectorError`, for `read` and `readEntire` alike.
    private static func openDescriptor(_ real: String) throws(CollectorError) -> Int32? {
        let descriptor = open(real, O_RDONLY | O_CLOEXEC)
        guard descriptor < 0 else { return descriptor }
        let code = errno
        switch code {
        case ENOENT, ENOTDIR: return nil
        case EOPNOTSUPP: throw .unavailable("\(real): \(describe(errno: code))")
        case EACCES, EPERM: throw .failed("cannot open \(real): \(describe(errno: code)); run headroom as a user that may read it")
        default: throw .failed("cannot open \(real): \(describe(errno: code))")
        }
    }

    private func forget(_ real: String, _ file: OpenFile) {
        let dropped: OpenFile? = openFiles.withLock { files in
            guard let current = files[real], current === file else { return nil }
            return files.removeValue(forKey: real)
        }
        _ = dropped // released (and closed, if no reader holds it) outside the lock
    }

    private struct ReadFailure: Error { var code: Int32 }

    /// Reads the whole file from offset 0 into a fresh array sized from the last read;
    /// a read that fills the array may have been cut, so it is redone with twice the room.
    private static func readWhole(_ file: OpenFile) -> Result<[UInt8], ReadFailure> {
        let last = file.lastLength.load(ordering: .relaxed)
        var capacity = last == 0 ? initialCapacity : last + last / 2 + 64
        while true {
            var failure: Int32 = 0
            var bytes = [UInt8](filled: 0, count: capacity)
            let count = bytes.withUnsafeMutableBytes { buffer in
                while true {
                    let count = pread(file.descriptor, buffer.baseAddress, capacity, 0)
                    if count >= 0 { return count }
                    if errno != EINTR {
                        failure = errno
                        return 0
                    }
                }
            }
            if failure != 0 { return .failure(ReadFailure(code: failure)) }
            bytes.removeLast(capacity - count)
            // The files read every round (one value, or one generated block: `/proc/stat`,
            // `meminfo`, `memory.stat`, PSI) come whole in one read when it fits. Files the
            // kernel hands over a page of records at a time (`mountinfo`, `smaps`) do not:
            // those go through `readEntire`.
            if bytes.count < capacity {
                if bytes.count != last { file.lastLength.store(bytes.count, ordering: .relaxed) }
                return .success(bytes)
            }
            let (doubled, overflowed) = capacity.multipliedReportingOverflow(by: 2)
            if overflowed || doubled > 1 << 30 { return .failure(ReadFailure(code: EFBIG)) }
            capacity = doubled
        }
    }

    private static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `read(2)`, from outside the type whose own `read` takes a path.
private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
