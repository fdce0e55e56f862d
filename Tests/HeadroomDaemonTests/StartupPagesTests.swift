import Foundation
import HeadroomCollectors
import HeadroomTesting
@testable import HeadroomDaemon
import Testing

@Suite("Start-up pages unmapped")
struct StartupPagesTests {
    /// Recorded from the shipped daemon's /proc/PID/smaps (2026-12-04), fields trimmed to
    /// the ones that matter, plus a shared mapping and a path with a space.
    static let smaps = """
        56539f77c000-56539febd000 r--p 00000000 00:2f 1234567                    /opt/headroom/bin/headroom
        Size:               7428 kB
        Rss:                6120 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        56539febd000-5653a19df000 r-xp 00740000 00:2f 1234567                    /opt/headroom/bin/headroom
        Size:              27784 kB
        Rss:                9040 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        5653a19df000-5653a1b02000 r--p 02261000 00:2f 1234567                    /opt/headroom/bin/headroom
        Size:               1164 kB
        Rss:                1164 kB
        Anonymous:          1164 kB
        VmFlags: rd mr mw me ac sd
        5653a1b02000-5653a4067000 rw-p 02383000 00:2f 1234567                    /opt/headroom/bin/headroom
        Size:              38292 kB
        Rss:                1412 kB
        Anonymous:           440 kB
        VmFlags: rd wr mr mw me ac sd
        5653a5e6d000-5653a5fd0000 rw-p 00000000 00:00 0                          [heap]
        Size:               1420 kB
        Rss:                1180 kB
        Anonymous:          1180 kB
        VmFlags: rd wr mr mw me ac sd
        7f3c1a000000-7f3c1a021000 rw-p 00000000 00:00 0
        Size:                132 kB
        Rss:                  12 kB
        Anonymous:            12 kB
        VmFlags: rd wr mr mw me nr sd
        7f3c1b200000-7f3c1b228000 r--p 00000000 08:01 2621546                    /usr/lib/x86_64-linux-gnu/libc.so.6
        Size:                160 kB
        Rss:                 160 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        7f3c1b228000-7f3c1b3bd000 r-xp 00028000 08:01 2621546                    /usr/lib/x86_64-linux-gnu/libc.so.6
        Size:               1620 kB
        Rss:                1040 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        7f3c1b500000-7f3c1b510000 r--s 00000000 08:01 3000001                    /var/lib/headroom/shared.map
        Size:                 64 kB
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd mr me ms sd
        7f3c1b600000-7f3c1b601000 r--p 00000000 08:01 3000002                    /opt/my tools/libx.so
        Size:                  4 kB
        Rss:                   4 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        7ffd4a1e2000-7ffd4a203000 rw-p 00000000 00:00 0                          [stack]
        Size:                132 kB
        Rss:                  28 kB
        Anonymous:            28 kB
        VmFlags: rd wr mr mw me gd ac
        7ffd4a3c5000-7ffd4a3c7000 r-xp 00000000 00:00 0                          [vdso]
        Size:                  8 kB
        Rss:                   4 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me de sd
        """

    @Test("only file-backed, private, read-only mappings without a copied page are released")
    func choosesMappings() {
        let chosen = StartupPages.releasable(smaps: Self.smaps)
        #expect(
            chosen.map(\.path) == [
                "/opt/headroom/bin/headroom", "/opt/headroom/bin/headroom",
                "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/opt/my tools/libx.so",
            ])
        #expect(
            chosen.first
                == StartupPages.Mapping(
                    start: 0x5653_9f77_c000, end: 0x5653_9feb_d000,
                    path: "/opt/headroom/bin/headroom", resident: 6120 * 1024))
        // The relocated data (r--p holding anonymous pages), .data, heap, stack, the shared
        // mapping and the vDSO are never advised.
        let starts: Set<UInt> = Set(chosen.map(\.start))
        let neverAdvised: Set<UInt> = [0x5653_a19d_f000, 0x5653_a1b0_2000, 0x7f3c_1b50_0000]
        #expect(starts.isDisjoint(with: neverAdvised))
        let resident: Int = chosen.map(\.resident).reduce(0, +)
        let expected: Int = (6120 + 9040 + 160 + 1040 + 4) * 1024
        #expect(resident == expected)
    }

    @Test("text that is not smaps chooses nothing")
    func garbage() {
        #expect(StartupPages.releasable(smaps: "").isEmpty)
        #expect(StartupPages.releasable(smaps: "Rss: 12 kB\nnot a header line at all\n").isEmpty)
    }

    @Test("smaps that cannot be read: nothing is advised, and the problem names the file and why")
    func unreadable() {
        let missing = StartupPages.release(smapsPath: "/proc/self/no-such-smaps")
        #expect(missing.advised == 0)
        #expect(missing.problem == "/proc/self/no-such-smaps does not exist")
        let directory = StartupPages.release(smapsPath: "/proc/self")
        #expect(directory.advised == 0)
        #expect(directory.problem?.contains("cannot read /proc/self: Is a directory") == true, "\(directory.problem ?? "nil")")
    }

    @Test("the real daemon unmaps what it touched only while starting, and its idle rounds stay small")
    func realDaemon() async throws {
        // A private copy of the binary, as on a node (one daemon per binary): the suite runs
        // other daemons of the build's binary meanwhile, which keep its pages in the page
        // cache, and the kernel maps up to 64 KiB of cached neighbours around each fault, so
        // a shared binary's released mappings refill far beyond what the rounds run.
        let directory = try TemporaryDirectory()
        let copy = directory.path("headroom")
        try FileManager.default.copyItem(atPath: HeadroomProcess.executable.path, toPath: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
        let daemon = try HeadroomProcess.wrapped(
            copy, ["run"],
            environment: [
                "HEADROOM_INTERVAL": "100ms", "HEADROOM_LOG_LEVEL": "debug", "HEADROOM_CHANNELS": "console",
            ])
        defer { daemon.signal(SIGKILL) }
        try await daemon.waitFor("the release log line") { _, err in err.contains("start-up pages unmapped") }
        let line = try #require(daemon.stderr.split(separator: "\n").first { $0.contains("start-up pages unmapped") })
        func figure(_ key: String) -> Int? {
            guard let range = line.range(of: "\(key)=") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        let before = try #require(figure("resident_bytes_before"))
        #expect(before > 4 << 20, "start-up touched \(before) bytes of the executable and libraries")
        // Twenty more rounds: what the idle daemon runs comes back, the rest does not.
        let releasedAt = daemon.stderr.components(separatedBy: "round complete").count
        try await daemon.waitFor("twenty more rounds") { _, err in err.components(separatedBy: "round complete").count >= releasedAt + 20 }
        let smaps = String(decoding: try #require(try RootedSystemFiles().readEntire("/proc/\(daemon.pid)/smaps")), as: UTF8.self)
        let releasable = StartupPages.releasable(smaps: smaps)
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(daemon.pid)/exe")
        // What the executable holds again: the shipped binary is static, so that is where the
        // idle rounds' code lives. The debug build's shared Swift libraries are left out of
        // the sum: every Swift process on the machine (the test runner among them) keeps their
        // pages cached, so how far they refill depends on what else runs. The executable holds
        // about half of the start-up pages (19 of 41 MiB in the debug build, 4.8 after):
        // unreleased, it would stay above a quarter of them.
        let resident: Int = releasable.filter { $0.path == executable }.map(\.resident).reduce(0, +)
        #expect(
            resident * 4 < before, "the executable's resident bytes after twenty idle rounds: \(resident), all start-up pages before the release: \(before)")
        // The libraries were advised too, not only the executable (a read of smaps that
        // stopped after its first page took the executable's mappings alone).
        let executableBytes = releasable.filter { $0.path == executable }.map { Int($0.end - $0.start) }.reduce(0, +)
        #expect(releasable.contains { $0.path.contains("/libc.so") }, "no library among the releasable mappings")
        let advised = try #require(figure("advised_bytes"))
        #expect(advised > executableBytes, "advised \(advised) bytes, the executable's read-only mappings alone are \(executableBytes)")
    }
}
