import HeadroomCore
import Testing

@Suite("Supervision decisions")
struct SupervisionTests {
    @Test(
        "wait statuses decode to exit codes and signals; the exit status is the code or 128 + signal",
        arguments: [
            (Int32(0), ChildTermination.exited(code: 0), Int32(0)),
            (3 << 8, .exited(code: 3), 3),
            (9, .signaled(signal: 9), 137),
            (15 | 0x80, .signaled(signal: 15), 143), // core dump bit set
        ])
    func decode(status: Int32, termination: ChildTermination, exitStatus: Int32) {
        #expect(ChildTermination.decode(waitStatus: status) == termination)
        #expect(termination.exitStatus == exitStatus)
    }

    @Test("a stopped child has not ended")
    func stopped() {
        #expect(ChildTermination.decode(waitStatus: (19 << 8) | 0x7f) == nil)
    }

    @Test("restart backoff doubles to the maximum; never and on-failure after success stop; the limit gives up")
    func backoff() {
        let policy = RestartPolicy(mode: .onFailure, initialDelay: .seconds(1), maximumDelay: .seconds(30), maximumRestarts: 10)
        let delays = (0..<7).map { policy.delay(after: .exited(code: 1), restarts: $0) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
        #expect(policy.delay(after: .exited(code: 0), restarts: 0) == nil)
        #expect(policy.delay(after: .signaled(signal: 9), restarts: 10) == nil)
        #expect(RestartPolicy(mode: .always).delay(after: .exited(code: 0), restarts: 0) == .seconds(1))
        #expect(RestartPolicy(mode: .never).delay(after: .exited(code: 1), restarts: 0) == nil)
    }

    @Test("the stderr tail keeps the last lines across arbitrary chunks, and cuts long lines")
    func tail() {
        var tail = LineTail(capacity: 2)
        tail.append(Array("one\ntw".utf8))
        tail.append(Array("o\nthree\nfou".utf8))
        #expect(tail.lines == ["two", "three"])
        #expect(tail.text == ["three", "fou"])
        var long = LineTail(capacity: 1)
        long.append(Array(String(repeating: "x", count: 2000).utf8) + [10])
        #expect(long.lines.first?.count == 512)
    }
}
