#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// The live file system under a root directory (`/`, or `/host` in a container that
/// mounts the host's `/proc` and `/sys` there).
///
/// Files are opened once and kept open; each read is a `pread` at offset 0, which makes
/// procfs, sysfs and cgroupfs regenerate the content without an open/close per sample
/// (about half the cost). A descriptor whose read fails is closed and the file reopened.
public final class RootedSystemFiles: SystemFiles {
    /// The directory host paths are resolved under.
    public let root: String
    private let descriptors = Mutex<[String: Int32]>([:])
    private let buffer = Mutex<[UInt8]>([UInt8](repeating: 0, count: 16_384))

    public init(root: String = "/") {
        var trimmed = root
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed.isEmpty ? "/" : trimmed
    }

    deinit {
        descriptors.withLock { open in
            for fd in open.values { close(fd) }
        }
    }

    public func describe(_ path: String) -> String {
        root == "/" ? path : root + path
    }

    public func exists(_ path: String) -> Bool {
        access(describe(path), F_OK) == 0
    }

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

    public func read(_ path: String) throws(CollectorError) -> [UInt8]? {
        let real = describe(path)
        for attempt in 0..<2 {
            guard let fd = try descriptor(for: real) else { return nil }
            switch readAll(fd) {
            case .success(let bytes):
                return bytes
            case .failure(let failure):
                let code = failure.code
                forget(real)
                if code == EOPNOTSUPP {
                    throw CollectorError.unavailable("\(real): \(String(cString: strerror(code)))")
                }
                if attempt == 1 || !(code == ESTALE || code == ENODEV || code == EBADF || code == ENOENT) {
                    throw CollectorError.failed("cannot read \(real): \(String(cString: strerror(code)))")
                }
            }
        }
        return nil
    }

    /// An open descriptor for `real`, opening it when needed; nil when the file is missing.
    private func descriptor(for real: String) throws(CollectorError) -> Int32? {
        if let fd = descriptors.withLock({ $0[real] }) { return fd }
        let fd = open(real, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw CollectorError.failed("cannot open \(real): \(String(cString: strerror(code)))")
        }
        let winner = descriptors.withLock { open -> Int32 in
            if let existing = open[real] { return existing }
            open[real] = fd
            return fd
        }
        if winner != fd { close(fd) }
        return winner
    }

    private func forget(_ real: String) {
        if let fd = descriptors.withLock({ $0.removeValue(forKey: real) }) { close(fd) }
    }

    private struct ReadFailure: Error { var code: Int32 }

    /// Reads the whole file from offset 0, growing the buffer for large files.
    private func readAll(_ fd: Int32) -> Result<[UInt8], ReadFailure> {
        buffer.withLock { buffer in
            var total = 0
            while true {
                if total == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
                let count = buffer.withUnsafeMutableBytes { raw in
                    pread(fd, raw.baseAddress! + total, raw.count - total, off_t(total))
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    return .failure(ReadFailure(code: errno))
                }
                if count == 0 { break }
                total += count
                // procfs/sysfs hand a small file over in one read; a short read means the end.
                if total < buffer.count { break }
            }
            return .success(Array(buffer[0..<total]))
        }
    }
}
