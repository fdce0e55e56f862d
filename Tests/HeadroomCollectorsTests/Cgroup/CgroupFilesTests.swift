import HeadroomCollectors
import HeadroomCore
import Testing

@Suite("CgroupFiles")
struct CgroupFilesTests {
    @Test("one-number files")
    func count() throws {
        #expect(try CgroupFiles.count("3221225472\n".bytes, path: "memory.current") == 3_221_225_472)
        #expect(try CgroupFiles.count("9223372036854771712\n".bytes, path: "memory.limit_in_bytes") == 9_223_372_036_854_771_712)
        #expect(try CgroupFiles.count("0\n".bytes, path: "pids.current") == 0)
    }

    @Test("limits: a number, or max for none")
    func limit() throws {
        #expect(try CgroupFiles.limit("4294967296\n".bytes, path: "memory.max") == 4_294_967_296)
        #expect(try CgroupFiles.limit("max\n".bytes, path: "memory.max") == nil)
    }

    @Test("v1 quota: microseconds, or -1 for none")
    func quota() throws {
        #expect(try CgroupFiles.quota("150000\n".bytes, path: "cpu.cfs_quota_us") == 150_000)
        #expect(try CgroupFiles.quota("-1\n".bytes, path: "cpu.cfs_quota_us") == nil)
    }

    @Test("v2 cpu.max: quota and period, or max and period")
    func cpuMax() throws {
        let limited = try CgroupFiles.cpuMax("200000 100000\n".bytes, path: "cpu.max")
        #expect(limited.quota == 200_000 && limited.period == 100_000)
        let unlimited = try CgroupFiles.cpuMax("max 100000\n".bytes, path: "cpu.max")
        #expect(unlimited.quota == nil && unlimited.period == 100_000)
    }

    @Test("flat-keyed files: the wanted keys in order, nil for the absent ones")
    func keyed() throws {
        let values = try CgroupFiles.values(
            "low 0\nhigh 0\nmax 12\noom 4\noom_kill 3\n".bytes, keys: ["oom_kill", "oom", "oom_group_kill"], path: "memory.events")
        #expect(values == [3, 4, nil])
    }

    static let malformed: [(name: String, parse: @Sendable ([UInt8]) throws(CollectorError) -> Void, text: String, message: String)] = [
        ("count: negative", { (b) throws(CollectorError) in _ = try CgroupFiles.count(b, path: "/cg/f") }, "-1\n", "expected a non-negative integer"),
        ("count: max", { (b) throws(CollectorError) in _ = try CgroupFiles.count(b, path: "/cg/f") }, "max\n", "expected a non-negative integer"),
        ("count: above Int64", { (b) throws(CollectorError) in _ = try CgroupFiles.count(b, path: "/cg/f") }, "18446744073709551615\n", "below 2^63"),
        ("count: two values", { (b) throws(CollectorError) in _ = try CgroupFiles.count(b, path: "/cg/f") }, "1 2\n", "followed by \"2\""),
        ("count: two lines", { (b) throws(CollectorError) in _ = try CgroupFiles.count(b, path: "/cg/f") }, "1\n2\n", "found more"),
        ("count: blank", { (b) throws(CollectorError) in _ = try CgroupFiles.count(b, path: "/cg/f") }, "\n", "found a blank line"),
        ("limit: word", { (b) throws(CollectorError) in _ = try CgroupFiles.limit(b, path: "/cg/f") }, "lots\n", "expected a non-negative integer or \"max\""),
        ("quota: -2", { (b) throws(CollectorError) in _ = try CgroupFiles.quota(b, path: "/cg/f") }, "-2\n", "or -1 (no quota)"),
        ("cpu.max: one field", { (b) throws(CollectorError) in _ = try CgroupFiles.cpuMax(b, path: "/cg/f") }, "max\n", "expected \"<quota|max> <period>\""),
        (
            "cpu.max: zero period", { (b) throws(CollectorError) in _ = try CgroupFiles.cpuMax(b, path: "/cg/f") }, "max 0\n",
            "expected \"<quota|max> <period>\""
        ),
        ("cpu.max: negative quota", { (b) throws(CollectorError) in _ = try CgroupFiles.cpuMax(b, path: "/cg/f") }, "-5 100000\n", "neither a number"),
        (
            "keyed: word value", { (b) throws(CollectorError) in _ = try CgroupFiles.values(b, keys: ["a"], path: "/cg/f") }, "a 1\nb two\n",
            "line 2: expected \"key value\""
        ),
        (
            "keyed: no value", { (b) throws(CollectorError) in _ = try CgroupFiles.values(b, keys: ["a"], path: "/cg/f") }, "a\n",
            "line 1: expected \"key value\""
        ),
        (
            "keyed: extra field", { (b) throws(CollectorError) in _ = try CgroupFiles.values(b, keys: ["a"], path: "/cg/f") }, "a 1 2\n",
            "line 1: expected \"key value\""
        ),
        ("keyed: blank", { (b) throws(CollectorError) in _ = try CgroupFiles.values(b, keys: ["a"], path: "/cg/f") }, "\n", "no \"key value\" lines"),
        ("keyed: cut mid-line", { (b) throws(CollectorError) in _ = try CgroupFiles.values(b, keys: ["a"], path: "/cg/f") }, "a 1\nb 2", "cut off"),
    ]

    @Test("malformed files fail with the path and what was wrong", arguments: malformed.indices)
    func rejectsMalformed(index: Int) {
        let (name, parse, text, message) = Self.malformed[index]
        let error = failure { () throws(CollectorError) in try parse(text.bytes) }
        #expect(error?.hasPrefix("/cg/f: ") == true, "\(name): \(error ?? "accepted")")
        #expect(error?.contains(message) == true, "\(name): \(error ?? "accepted")")
    }
}
