package import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Crash-safe file replacement: write a temporary file beside the target, fsync it,
/// rename it over the target, fsync the directory. After a crash the target holds either
/// the old or the new content, never a mix.
package enum DurableFile {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    package static func write(_ data: Data, to path: String) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        try replace(path, with: data, in: directory, flush: true)
        try syncDirectory(directory)
    }

    /// The file's bytes, nil when it does not exist. Read with plain open(2) and read(2): a
    /// file that cannot be read (permissions, not a regular file that answers) is an error
    /// naming it, never taken for an empty one, and a disk that stops answering blocks here
    /// as it would anywhere (callers that must not wait read on a thread of their own).
    package static func read(_ path: String) throws(Failure) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw Failure(description: errnoText("open", path))
        }
        defer { close(descriptor) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: errnoText("read", path))
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[..<count])
        }
    }

    /// Writes several files of one directory with one flush for all: each goes to a
    /// temporary file renamed over its target, then `syncfs` makes the data and the renames
    /// durable together (a storm of notifications costs one flush, not one per file).
    static func writeBatch(_ items: [(data: Data, path: String)]) throws(Failure) {
        guard let first = items.first else { return }
        if items.count == 1 { return try write(first.data, to: first.path) }
        let directory = (first.path as NSString).deletingLastPathComponent
        for item in items { try replace(item.path, with: item.data, in: directory, flush: false) }
        try syncFileSystem(directory)
    }

    /// Writes `data` to a temporary file beside `path` (fsynced when `flush`) and renames it
    /// over `path`; the temporary file is removed when anything fails.
    private static func replace(_ path: String, with data: Data, in directory: String, flush: Bool) throws(Failure) {
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: errnoText("create", temporary)) }
        var ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        if ok, flush { ok = fsync(descriptor) == 0 }
        let failure = ok ? nil : errnoText("write", temporary)
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw Failure(description: failure)
        }
        guard rename(temporary, path) == 0 else {
            let failure = errnoText("rename", temporary)
            unlink(temporary)
            throw Failure(description: failure)
        }
    }

    /// Removes several files of one directory (absent is fine) with one directory fsync.
    static func removeBatch(_ paths: [String]) throws(Failure) {
        guard let first = paths.first else { return }
        for path in paths {
            guard unlink(path) == 0 || errno == ENOENT else { throw Failure(description: errnoText("remove", path)) }
        }
        try syncDirectory((first as NSString).deletingLastPathComponent)
    }

    /// Flushes the file system holding `directory` (data and metadata).
    static func syncFileSystem(_ directory: String) throws(Failure) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(description: errnoText("open", directory)) }
        defer { close(descriptor) }
        guard let syncfs = Self.syncfs else {
            // No syncfs: flush everything (slower, same guarantee).
            sync()
            return
        }
        guard syncfs(descriptor) == 0 else { throw Failure(description: errnoText("syncfs", directory)) }
    }

    /// glibc's `syncfs`, which the Glibc module does not export (it needs _GNU_SOURCE).
    private static let syncfs: (@convention(c) (Int32) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    /// Removes `path` (absent is fine) and fsyncs its directory.
    static func remove(_ path: String) throws(Failure) {
        guard unlink(path) == 0 || errno == ENOENT else { throw Failure(description: errnoText("remove", path)) }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    static func syncDirectory(_ directory: String) throws(Failure) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(description: errnoText("open", directory)) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure(description: errnoText("fsync", directory)) }
    }

    private static func errnoText(_ action: String, _ path: String) -> String {
        "cannot \(action) \(path): \(String(cString: strerror(errno)))"
    }
}
