/// Pure parsers for the small cgroup interface files.
public enum CgroupFiles {
    /// A file holding one number (`memory.usage_in_bytes`, `cpuacct.usage`, `-1` quotas).
    /// `max` (v2 "no limit") is returned as nil.
    public static func number(_ bytes: [UInt8], path: String) throws(CollectorError) -> Int64? {
        var scanner = ByteScanner(bytes)
        guard let word = scanner.word() else { throw .failed("\(path): empty file, expected a number") }
        if scanner.equals(word, "max") { return nil }
        guard let value = scanner.signed(word) else {
            throw .failed("\(path): expected a number or \"max\", got \"\(scanner.string(word).prefix(40))\"")
        }
        return value
    }

    /// A flat keyed file (`memory.stat`, `cpu.stat`, `memory.events`, `memory.oom_control`):
    /// `key value` per line. Lines whose value is not a number are skipped.
    public static func keyed(_ bytes: [UInt8], path: String) throws(CollectorError) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        var malformed = false
        ByteScanner.keyValueLines(bytes) { scanner, key, value in
            if let number = scanner.unsigned(value) {
                out[scanner.string(key)] = number
            } else {
                malformed = true
            }
            return true
        }
        if out.isEmpty {
            throw .failed("\(path): expected \"key value\" lines\(malformed ? " with numeric values" : ""), found none")
        }
        return out
    }

    /// Only the named keys of a flat keyed file (cheaper than `keyed` on the ~40-line
    /// `memory.stat`: no string is built for the lines skipped).
    public static func values(_ bytes: [UInt8], keys: [StaticString], path: String) throws(CollectorError) -> [UInt64?] {
        var out = [UInt64?](repeating: nil, count: keys.count)
        var sawLine = false
        ByteScanner.keyValueLines(bytes) { scanner, key, value in
            sawLine = true
            for (index, wanted) in keys.enumerated() where scanner.equals(key, wanted) {
                out[index] = scanner.unsigned(value)
            }
            return out.contains { $0 == nil }
        }
        if !sawLine { throw .failed("\(path): expected \"key value\" lines, found none") }
        return out
    }

    /// v2 `cpu.max`: `max 100000` (no quota) or `50000 100000`: quota and period in µs.
    public static func cpuMax(_ bytes: [UInt8], path: String) throws(CollectorError) -> (quota: UInt64?, period: UInt64) {
        var scanner = ByteScanner(bytes)
        guard let first = scanner.word(), let second = scanner.word(), let period = scanner.unsigned(second), period > 0 else {
            throw .failed("\(path): expected \"<quota|max> <period>\", got \"\(String(decoding: bytes.prefix(40), as: UTF8.self))\"")
        }
        if scanner.equals(first, "max") { return (nil, period) }
        guard let quota = scanner.unsigned(first) else {
            throw .failed("\(path): quota \"\(scanner.string(first))\" is neither a number nor \"max\"")
        }
        return (quota, period)
    }

    /// v1 reports "no limit" as a huge page-aligned number (9223372036854771712 on x86-64).
    public static let unlimitedThreshold: Int64 = 1 << 62
}
