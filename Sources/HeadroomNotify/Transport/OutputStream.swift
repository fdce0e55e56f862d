#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a text channel writes: a file descriptor it does not own (stdout, stderr) or an
/// append-only file it opens itself, reopens when the file is rotated away, and closes when
/// the sink goes (a reload replaces every channel's sink).
public final class TextSink: Sendable {
    private enum Target: Sendable {
        case descriptor(Int32)
        case file(String)
    }
    private let target: Target
    private let state = LockedValue<(fd: Int32, device: UInt64, inode: UInt64)>((-1, 0, 0))

    /// Writes to standard output.
    public static let standardOutput = TextSink(descriptor: 1)
    /// Writes to standard error.
    public static let standardError = TextSink(descriptor: 2)

    public init(descriptor: Int32) { target = .descriptor(descriptor) }

    /// Appends to `path`, creating it (mode 0640) and its directory when missing.
    public init(path: String) { target = .file(path) }

    deinit {
        guard case .file = target else { return }
        state.withLock { state in
            if state.fd >= 0 { close(state.fd) }
        }
    }

    /// True when the sink is a terminal (colour is then allowed).
    public var isTerminal: Bool {
        switch target {
        case .descriptor(let fd): isatty(fd) == 1
        case .file: false
        }
    }

    /// Writes all of `text`, retrying short writes and EINTR.
    public func write(_ text: String) throws(DeliveryError) {
        try state.withLock { (state) throws(DeliveryError) in
            let fd: Int32
            switch target {
            case .descriptor(let descriptor):
                fd = descriptor
            case .file(let path):
                fd = try openFile(path, &state)
            }
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    if case .file = target {
                        close(state.fd)
                        state.fd = -1
                    }
                    throw DeliveryError.retryable("cannot write to \(describe): \(reason)")
                }
                offset += written
            }
        }
    }

    private var describe: String {
        switch target {
        case .descriptor(1): "standard output"
        case .descriptor(2): "standard error"
        case .descriptor(let fd): "file descriptor \(fd)"
        case .file(let path): path
        }
    }

    /// Opens the file when needed, or reopens it when logrotate moved it away.
    private func openFile(_ path: String, _ state: inout (fd: Int32, device: UInt64, inode: UInt64)) throws(DeliveryError) -> Int32 {
        var current = stat()
        if state.fd >= 0 {
            if stat(path, &current) == 0, UInt64(current.st_dev) == state.device, UInt64(current.st_ino) == state.inode {
                return state.fd
            }
            close(state.fd)
            state.fd = -1
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw DeliveryError.retryable("cannot open \(path) for appending: \(String(cString: strerror(errno)))")
        }
        fstat(fd, &current)
        state = (fd, UInt64(current.st_dev), UInt64(current.st_ino))
        return fd
    }

    private func makeDirectories(_ directory: String) throws(DeliveryError) {
        var partial = ""
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            partial += "/" + component
            if mkdir(partial, 0o750) != 0, errno != EEXIST {
                throw DeliveryError.retryable("cannot create directory \(partial): \(String(cString: strerror(errno)))")
            }
        }
    }
}
