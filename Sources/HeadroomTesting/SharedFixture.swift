import Foundation
import Synchronization

/// A fixture the whole test run shares (a server, a certificate authority), made once, by the
/// first test that asks, on a thread of its own; the other tests that ask meanwhile wait
/// without holding a concurrency thread.
///
/// A `static let fixture = Result { … }` made it on the first asker's concurrency thread and
/// blocked every other asker's in the lazy global's once: with a concurrency thread per core,
/// two tests asking for a fixture that takes seconds to start (six openssl runs and a python3
/// server while the suite's first half-minute loads the machine) held every thread the other
/// tests could run on, for as long as it took.
public final class SharedFixture<Value: Sendable>: Sendable {
    private typealias Waiter = @Sendable (Result<Value, any Error>) -> Void
    private enum State {
        case idle
        case making([Waiter])
        case made(Result<Value, any Error>)
    }

    private let state = Mutex(State.idle)
    private let make: @Sendable () throws -> Value

    /// `make` runs once, on a thread of its own, when the fixture is first asked for; it may
    /// block (start a process, read its first line) and may `wait()` for another fixture.
    public init(_ make: @escaping @Sendable () throws -> Value) {
        self.make = make
    }

    /// The fixture, or the error making it threw (every asker gets the same).
    public func get() async throws -> Value {
        if let made = state.withLock({ state -> Result<Value, any Error>? in
            if case .made(let result) = state { return result }
            return nil
        }) {
            return try made.get()
        }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, any Error>, Never>) in
            ask { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// `get()` for a thread that may block: another fixture's `make`.
    public func wait() throws -> Value {
        let done = DispatchSemaphore(value: 0)
        let answer = Mutex<Result<Value, any Error>?>(nil)
        ask { result in
            answer.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try answer.withLock { $0! }.get()
    }

    /// Calls `waiter` with the result: at once when it is made, else when it is; the first ask
    /// starts the making.
    private func ask(_ waiter: @escaping Waiter) {
        let (ready, first) = state.withLock { state -> (Result<Value, any Error>?, Bool) in
            switch state {
            case .idle:
                state = .making([waiter])
                return (nil, true)
            case .making(let waiting):
                state = .making(waiting + [waiter])
                return (nil, false)
            case .made(let result):
                return (result, false)
            }
        }
        if let ready { waiter(ready) }
        guard first else { return }
        let thread = Thread { [self] in
            let result = Result { try make() }
            let waiting = state.withLock { state -> [Waiter] in
                guard case .making(let waiting) = state else { return [] }
                state = .made(result)
                return waiting
            }
            for waiter in waiting { waiter(result) }
        }
        thread.name = "shared-fixture"
        thread.start()
    }
}
