import Foundation
import Glibc
import HeadroomCollectors

/// Unmaps the code and read-only data the daemon touched only while starting, a few rounds
/// after start and after each reload.
///
/// Starting reads the configuration, sets up the server, the outbox and the collectors:
/// about 15 MiB of the executable's pages, which then stay mapped while the idle daemon runs
/// about 1 MiB of them (measured with `/proc/PID/clear_refs`; BENCHMARKS.md). Two advices,
/// each mapping:
/// - `MADV_PAGEOUT` reclaims the pages at once, out of the page cache too, so the container's
///   and the node's memory go down as well. The kernel does it only for a file the process
///   owns or may write (Linux 5.4+); otherwise it is silently a no-op — the shipped image
///   runs as a user that does not own the binary.
/// - `MADV_DONTNEED` then drops whatever is still mapped from this process: any user may do
///   that to its own mappings. Those pages stay in the page cache, clean and reclaimable.
/// Either way the resident size shows what the daemon uses, and the pages its rounds run
/// come back from the file or the cache on first use.
///
/// Only mappings that cannot lose anything are advised: file-backed, private, not writable,
/// with no copy-on-write page — the relocated data the loader wrote is anonymous memory and
/// stays, since dropping it would bring back the file's unrelocated bytes.
enum StartupPages {
    /// One mapping of `/proc/self/smaps` that may be unmapped.
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var path: String
        /// Resident bytes when read.
        var resident: Int
    }

    /// What `release()` did.
    struct Release {
        /// Bytes of address space advised (resident or not).
        var advised: Int
        /// Resident bytes of those mappings when advised.
        var residentBefore: Int
        /// Why nothing (or not everything) was released.
        var problem: String?
    }

    /// The mappings in `smaps` text that can be unmapped: a path (not `[heap]`, not
    /// anonymous), private, no `w` permission, `Anonymous: 0 kB`.
    static func releasable(smaps text: String) -> [Mapping] {
        var mappings: [Mapping] = []
        // The mapping being read; nil while inside one that is not a candidate.
        var current: Mapping?
        var anonymous = 0
        func finish() {
            if let mapping = current, anonymous == 0 { mappings.append(mapping) }
        }
        for line in text.split(separator: "\n") {
            if let header = Header(line) {
                finish()
                current = header.candidate
                anonymous = 0
            } else if current != nil, let (key, kilobytes) = field(line) {
                if key == "Rss" { current?.resident = kilobytes * 1024 }
                if key == "Anonymous" { anonymous = kilobytes }
            }
        }
        finish()
        return mappings
    }

    /// A mapping's first line: `start-end perms offset dev inode [path]`.
    private struct Header {
        /// The mapping, when it is file-backed, private and not writable.
        var candidate: Mapping?

        init?(_ line: Substring) {
            let parts = line.split(separator: " ", maxSplits: 5)
            guard parts.count >= 5, let dash = parts[0].firstIndex(of: "-"),
                let start = UInt(parts[0][..<dash], radix: 16),
                let end = UInt(parts[0][parts[0].index(after: dash)...], radix: 16)
            else { return nil }
            let permissions = Array(parts[1].utf8)
            let path = parts.count == 6 ? String(parts[5].drop { $0 == " " }) : ""
            let readOnlyPrivate = permissions.count == 4 && permissions[1] == UInt8(ascii: "-") && permissions[3] == UInt8(ascii: "p")
            candidate = readOnlyPrivate && path.hasPrefix("/") ? Mapping(start: start, end: end, path: path, resident: 0) : nil
        }
    }

    /// `Key:   123 kB` → (key, 123).
    private static func field(_ line: Substring) -> (Substring, Int)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let rest = line[line.index(after: colon)...].split(separator: " ", omittingEmptySubsequences: true)
        guard let first = rest.first, let value = Int(first) else { return nil }
        return (line[..<colon], value)
    }

    /// Reads `/proc/self/smaps` and advises every releasable mapping.
    static func release(smapsPath: String = "/proc/self/smaps") -> Release {
        // To its end: the kernel hands `smaps` over a page of mappings per read, and
        // `String(contentsOfFile:)` stopped after the first (the executable's own mappings:
        // the libraries' start-up pages stayed mapped).
        let before: String
        do throws(CollectorError) {
            guard let bytes = try RootedSystemFiles().readEntire(smapsPath) else {
                return Release(advised: 0, residentBefore: 0, problem: "\(smapsPath) does not exist")
            }
            before = String(decoding: bytes, as: UTF8.self)
        } catch {
            return Release(advised: 0, residentBefore: 0, problem: error.description)
        }
        let mappings = releasable(smaps: before)
        var advised = 0
        var problem: String?
        for mapping in mappings {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            let length = Int(mapping.end - mapping.start)
            // Best effort: refused (EINVAL) before Linux 5.4, ignored for files this user may not write.
            _ = madvise(address, length, MADV_PAGEOUT)
            if madvise(address, length, MADV_DONTNEED) == 0 {
                advised += length
            } else {
                // A locked or device mapping refuses (EINVAL): it keeps its pages, the others go on.
                problem = "madvise(MADV_DONTNEED) on \(mapping.path): \(String(cString: strerror(errno)))"
            }
        }
        return Release(advised: advised, residentBefore: mappings.reduce(0) { $0 + $1.resident }, problem: problem)
    }
}
