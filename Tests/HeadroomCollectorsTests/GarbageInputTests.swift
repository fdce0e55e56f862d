@testable import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

/// Every parser against garbage: each must fail with `.failed` naming the path, and none
/// may trap, whatever the bytes.
@Suite("Garbage input")
struct GarbageInputTests {
    typealias Parse = @Sendable ([UInt8], String) throws(CollectorError) -> Void

    static let parsers: [(name: String, parse: Parse, valid: String)] = [
        (
            "ProcStat", { (b, p) throws(CollectorError) in _ = try ProcStat.parse(b, path: p) },
            "cpu  270988 0 49269 1522694 2423 0 168 122 0 0\ncpu0 127530 0 23950 770906 224 0 43 58 0 0\nintr 1 2 3\nctxt 3151004\nprocesses 31979\nprocs_blocked 0\n"
        ),
        (
            "MemInfo", { (b, p) throws(CollectorError) in _ = try MemInfo.parse(b, path: p) },
            "MemTotal:       24684096 kB\nMemFree:        22684040 kB\nMemAvailable:   24181284 kB\nBuffers:           11100 kB\nCached:          1612852 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n"
        ),
        ("LoadAverage", { (b, p) throws(CollectorError) in _ = try LoadAverage.parse(b, path: p) }, "0.52 0.58 12.59 3/467 12345\n"),
        (
            "PressureStall", { (b, p) throws(CollectorError) in _ = try PressureStall.parse(b, path: p) },
            "some avg10=12.50 avg60=8.00 avg300=3.10 total=98765432\nfull avg10=4.20 avg60=2.00 avg300=0.50 total=12345678\n"
        ),
        ("CgroupFiles.count", { (b, p) throws(CollectorError) in _ = try CgroupFiles.count(b, path: p) }, "3221225472\n"),
        ("CgroupFiles.limit", { (b, p) throws(CollectorError) in _ = try CgroupFiles.limit(b, path: p) }, "4294967296\n"),
        ("CgroupFiles.quota", { (b, p) throws(CollectorError) in _ = try CgroupFiles.quota(b, path: p) }, "150000\n"),
        ("CgroupFiles.cpuMax", { (b, p) throws(CollectorError) in _ = try CgroupFiles.cpuMax(b, path: p) }, "200000 100000\n"),
        (
            "CgroupFiles.values", { (b, p) throws(CollectorError) in _ = try CgroupFiles.values(b, keys: ["oom_kill"], path: p) },
            "low 0\nhigh 0\nmax 12\noom 4\noom_kill 3\n"
        ),
        (
            "CgroupDiscovery.memberships", { (b, p) throws(CollectorError) in _ = try CgroupDiscovery.memberships(b, path: p) },
            "8:pids:/\n4:memory:/process_api/235b\n0::/\n"
        ),
    ]

    static let garbage: [(name: String, bytes: [UInt8])] = [
        ("empty file", []),
        ("binary junk", [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01, 0xFF, 0xFE, 0x0A, 0x00, 0x9C, 0x0A]),
        ("blank lines", Array("\n\n\n".utf8)),
        ("a line cut in the middle", Array("cpu  270988 0 49".utf8)),
        ("a number too large for Int64", Array("9223372036854775808\n".utf8)),
        ("negative where not allowed", Array("-2\n".utf8)),
        ("words", Array("hello world\n".utf8)),
    ]

    @Test("every parser fails on every kind of garbage, with the path", arguments: parsers.indices, garbage.indices)
    func rejectsGarbage(parser: Int, garbage: Int) {
        let (name, parse, _) = Self.parsers[parser]
        let (kind, bytes) = Self.garbage[garbage]
        let error = failure { () throws(CollectorError) in try parse(bytes, "/garbage/\(name)") }
        #expect(error?.hasPrefix("/garbage/\(name)") == true, "\(name) on \(kind): \(error ?? "accepted")")
    }

    @Test("every prefix of a valid file: complete lines may parse, a cut line always fails", arguments: parsers.indices)
    func truncated(parser: Int) throws {
        let (name, parse, valid) = Self.parsers[parser]
        let bytes = Array(valid.utf8)
        #expect(failure { () throws(CollectorError) in try parse(bytes, "/p") } == nil, "\(name) rejects its valid example")
        for length in 0..<bytes.count {
            let prefix = Array(bytes[..<length])
            let error = caught { () throws(CollectorError) in try parse(prefix, "/p") }
            if prefix.last != 0x0A {
                #expect(
                    error.map { if case .failed(let message) = $0 { message.hasPrefix("/p") } else { false } } == true,
                    "\(name) accepted a file cut at byte \(length)")
            }
        }
    }

    @Test("random mutations of valid files never trap (seeded, so every run is the same)", arguments: parsers.indices)
    func mutations(parser: Int) {
        let (name, parse, valid) = Self.parsers[parser]
        var random = SplitMix64(seed: 0x4845_4144_524F_4F4D)
        let alphabet = Array("0123456789 -.:=/\n\tmaxcpu\u{0}\u{FF}".utf8)
        for _ in 0..<500 {
            var bytes = Array(valid.utf8)
            for _ in 0..<Int(random.next() % 4 + 1) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                default: if bytes.count > 1 { bytes.remove(at: position) }
                }
            }
            if case .unavailable = caught({ () throws(CollectorError) in try parse(bytes, "/p") }) {
                Issue.record("\(name) said unavailable on garbage")
            }
        }
    }

    @Test("mountinfo is a hint: garbage yields no mounts, never a trap")
    func mountinfo() {
        for (_, bytes) in Self.garbage {
            #expect(CgroupDiscovery.mounts(bytes).isEmpty)
        }
        #expect(CgroupDiscovery.mounts(Array("1 2 3 4 5 6 - cgroup2\n1 2 3 4 5 - cgroup x\n".utf8)).isEmpty)
    }
}
