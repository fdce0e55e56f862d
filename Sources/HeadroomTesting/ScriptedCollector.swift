import Dispatch
public import HeadroomCollectors
public import HeadroomCore
import Synchronization

/// A collector whose readings the test sets between rounds.
public final class ScriptedCollector: Collector, Sendable {
    public let name: String
    private let state: Mutex<Result<[Sample], CollectorError>>
    private let callCount = Atomic<Int>(0)

    public init(name: String, samples: [Sample] = []) {
        self.name = name
        state = Mutex(.success(samples))
    }

    /// What the next calls return.
    public func set(_ samples: [Sample]) { state.withLock { $0 = .success(samples) } }

    /// Makes the next calls throw.
    public func fail(_ error: CollectorError) { state.withLock { $0 = .failure(error) } }

    /// How many times `collect` was called.
    public var calls: Int { callCount.load(ordering: .acquiring) }

    public func collect() throws(CollectorError) -> [Sample] {
        callCount.add(1, ordering: .acquiringAndReleasing)
        return try state.withLock { $0 }.get()
    }
}

/// A collector whose calls block until the test releases it: a hung driver or a stuck read.
public final class HangingCollector: Collector, Sendable {
    public let name: String
    private let gate = DispatchSemaphore(value: 0)
    private let calls = Atomic<Int>(0)

    public let startupGraceRounds: Int

    public init(name: String, startupGraceRounds: Int = 0) {
        self.name = name
        self.startupGraceRounds = startupGraceRounds
    }

    /// How many times `collect` was entered.
    public var callCount: Int { calls.load(ordering: .acquiring) }

    /// Opens when `collect` is first entered: the round's thread is inside the hung call.
    public let entered = Latch()

    private let open = Atomic<Bool>(false)

    /// Unblocks the stuck call and lets every later call return at once.
    public func release() {
        open.store(true, ordering: .releasing)
        gate.signal()
    }

    public func collect() throws(CollectorError) -> [Sample] {
        calls.add(1, ordering: .acquiringAndReleasing)
        entered.open()
        if !open.load(ordering: .acquiring) { gate.wait() }
        return [Sample("hung_value", .none, 1)]
    }
}
