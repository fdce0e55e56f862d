import HeadroomNotify
import HeadroomTesting
import Testing

/// Delivery passes that wait on a `ManualClock` for a disk: the hung-disk tests of the outbox
/// and the silences file move the clock from a thread of their own (the pass blocks a
/// concurrency thread while it waits) and count the deadlines a pass arms.

/// Runs `pass`, whose `waits`-th wait on `clock` (counting from 1) is for a disk that does not
/// answer, and moves the clock by `patience` once that wait has begun: the pass gives up on
/// the disk then, not before. Fails unless the pass waited so, that many times.
func outlasting(
    _ patience: Duration, waits: UInt64, on clock: ManualClock, sourceLocation: SourceLocation = #_sourceLocation, _ pass: () async -> Void
) async {
    let armed = clock.alarmsSet
    let began = clock.uptime()
    let mover = clock.advance(by: patience, onceMoreAlarmsThan: armed + waits - 1)
    defer { mover.cancel() }
    await pass()
    let moves = mover.cancel()
    #expect(
        moves == 1 && clock.alarmsSet == armed + waits && clock.uptime() == began + patience,
        "waited \(clock.alarmsSet - armed) times, expected \(waits); the clock moved \(moves) times", sourceLocation: sourceLocation)
}

/// Runs `pass`, which must not wait on `clock`. A wait it makes anyway is cut short (the clock
/// jumps an hour) and fails the test, rather than hanging it.
func withoutWaiting(
    on clock: ManualClock, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation, _ pass: () async throws -> Void
) async rethrows {
    let armed = clock.alarmsSet
    let rescue = clock.advance(by: .seconds(3600), onceMoreAlarmsThan: armed)
    defer { rescue.cancel() }
    try await pass()
    let moves = rescue.cancel()
    #expect(moves == 0 && clock.alarmsSet == armed, comment, sourceLocation: sourceLocation)
}
