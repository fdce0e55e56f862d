import HeadroomNotify
import HeadroomTesting
import Testing

@Suite("A value that arrives once, awaited with a time limit", .timeLimit(.minutes(1)))
struct EventualTests {
    @Test("every waiter gets the value; one that comes after it gets it at once; the first value wins")
    func value() async {
        let eventual = Eventual<Int>()
        let clock = ManualClock()
        let first = Task { await eventual.value(within: .seconds(5), clock: clock) }
        let second = Task { await eventual.value() }
        await clock.waitForAlarm(after: 0)
        eventual.complete(7)
        eventual.complete(8)
        #expect(await first.value == 7)
        #expect(await second.value == 7)
        #expect(await eventual.value(within: .zero, clock: clock) == 7)
        #expect(eventual.current == 7)
        #expect(clock.pendingDeadlines.isEmpty, "the limit's alarm is cancelled once the value is here")
    }

    @Test("the limit counts on the clock from the call: a value just before it is taken")
    func justInTime() async {
        let eventual = Eventual<Int>()
        let clock = ManualClock()
        let waiter = Task { await eventual.value(within: .seconds(2), clock: clock) }
        await clock.waitForAlarm(after: 0)
        clock.advance(by: .milliseconds(1999))
        eventual.complete(7)
        #expect(await waiter.value == 7)
        #expect(clock.pendingDeadlines.isEmpty)
    }

    @Test("the limit passing gives nil, set off by the clock alone; the value coming later changes nothing for that waiter")
    func limit() async {
        let eventual = Eventual<Int>()
        let clock = ManualClock()
        let waiter = Task { await eventual.value(within: .seconds(2), clock: clock) }
        let patient = Task { await eventual.value(within: .seconds(60), clock: clock) }
        await clock.waitForAlarm(after: 1)
        // The alarms were set by the calls themselves, on this clock.
        #expect(clock.pendingDeadlines.count == 2)
        clock.advance(by: .seconds(2))
        #expect(await waiter.value == nil)
        eventual.complete(7)
        #expect(await patient.value == 7, "the other waiter still gets it")
        #expect(eventual.current == 7)
    }

    @Test("a limit already passed returns nil at once")
    func passed() async {
        let eventual = Eventual<Int>()
        #expect(await eventual.value(within: .zero, clock: ManualClock()) == nil)
        #expect(await eventual.value(within: .seconds(-1), clock: ManualClock()) == nil)
    }

    @Test("a cancelled waiter gets nil and its alarm is cancelled; the others keep waiting")
    func cancelled() async {
        let eventual = Eventual<Int>()
        let clock = ManualClock()
        let cancelled = Task { await eventual.value(within: .seconds(60), clock: clock) }
        let other = Task { await eventual.value(within: .seconds(60), clock: clock) }
        await clock.waitForAlarm(after: 1)
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        #expect(clock.pendingDeadlines.count == 1, "only the other waiter's alarm is left")
        eventual.complete(7)
        #expect(await other.value == 7)
    }
}
