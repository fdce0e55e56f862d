public import Foundation
public import HeadroomCore
public import HeadroomHistory
public import HeadroomNotify
public import Logging
public import ServiceLifecycle
import Synchronization

/// Records the history: the round thread hands each round's values and alert changes over
/// (`record`: the values in a `SeriesLayout` that rounds share while their series do not
/// change, a lock and an append), delivery hands notification outcomes over, and a thread of
/// this service's own writes them to the `HistoryStore` every `flush_interval` (one commit),
/// finds incidents in the rounds (`IncidentDetector`), and applies retention, the one-minute
/// tier and the size cap. Sampling never waits for the disk.
///
/// Bounded: at most `maximumQueuedSamples` samples wait for the writer (a hung disk); beyond
/// that the oldest rounds are dropped and counted. A store that cannot be opened or written
/// (an unwritable path, a full disk) keeps the daemon running: `history_write_failed` says
/// where and why (`HistoryCollector`), and the writer tries again at every flush.
public final class HistoryRecorder: Service, Sendable {
    /// A round waiting for the writer: its values in its layout's order, and the samples
    /// incidents are read from (a handful), whole.
    struct QueuedRound {
        var time: Date
        var layout: SeriesLayout
        var values: [Double]
        var incidentSamples: [Sample]
    }

    /// The latest round's layout, and where in it the samples incidents are read from.
    struct Shape {
        var layout: SeriesLayout
        var incidentIndices: [Int]
    }

    struct Queue {
        var rounds: [QueuedRound] = []
        var events: [HistoryEvent] = []
        var samples = 0
        var stopping = false
    }

    /// What `history_*` samples and the log report.
    struct Status {
        /// Why the last open or write failed (nil while it works).
        var problem: String?
        /// When the flush under way began (nil: none is); one under way `HungWrite.limit` or
        /// longer counts as failed.
        var writingSince: MonotonicInstant?
        var samplesWritten: UInt64 = 0
        var samplesDropped: UInt64 = 0
        var eventsWritten: UInt64 = 0
        var fileBytes = 0
        /// The oldest time still kept when the size cap cut retention short (said once).
        var cutShortAt: Date?
        /// Whether the size cap cut the one-minute tier short (said once).
        var rollupsCutShort = false
    }

    /// Samples that may wait for the writer by default (a hung disk): about 0.8 MiB of values,
    /// an hour of a 134-series node at 5 s, 100 s of 100 series at 100 ms.
    public static let defaultMaximumQueuedSamples = 100_000
    let maximumQueuedSamples: Int
    /// How often retention and the size cap are applied.
    static let pruneInterval: TimeInterval = 3600

    let settings: HistorySettings
    let path: String
    let clock: any DaemonClock
    let logger: Logger
    let queue = Mutex(Queue())
    /// Only the round thread uses it (a lock so the recorder is `Sendable`).
    let shape = Mutex<Shape?>(nil)
    let status = Mutex(Status())
    /// The store (nil until it opens, or while it cannot) and the incident detector, which
    /// must see the rounds in the order they are written.
    struct Writer {
        var store: HistoryStore?
        var detector: IncidentDetector
    }
    let writer: Mutex<Writer>
    let bell: ThreadBell
    /// The history API's reads (`HistoryRecorder+Endpoint`).
    let queries: DiskCalls
    /// How long a history API read waits by default (a week's range on a large node takes a
    /// few seconds).
    public static let defaultQueryPatience: Duration = .seconds(30)
    /// Hung history reads that refuse new ones.
    static let hungQueryLimit = 4
    /// History reads under way at once, at most (a dashboard's panels, Grafana's).
    static let queryCap = 32

    /// How long a series may be gone before the store closes its chunk and forgets it in
    /// memory (`alerting.stale_after`: the alert engine's own bound).
    let idleAfter: Duration

    public init(
        settings: HistorySettings, path: String, clock: any DaemonClock, logger: Logger,
        idleAfter: Duration = .seconds(300), maximumQueuedSamples: Int = HistoryRecorder.defaultMaximumQueuedSamples,
        queryPatience: Duration = HistoryRecorder.defaultQueryPatience
    ) {
        queries = DiskCalls(
            name: "headroom-query", limit: Self.hungQueryLimit, cap: Self.queryCap, patience: queryPatience, clock: clock)
        self.idleAfter = idleAfter
        writer = Mutex(Writer(store: nil, detector: IncidentDetector(forgetAfter: idleAfter.headroomSeconds)))
        self.maximumQueuedSamples = maximumQueuedSamples
        self.settings = settings
        self.path = path
        self.clock = clock
        self.logger = logger
        bell = ThreadBell(clock: clock)
    }

    /// One round (on the round thread): its samples, their `layout` (the samples' series in
    /// order: `SeriesLayout.of`, which the alert center computes once a round) and the alerts'
    /// changes. The samples are not kept: only their values, and the few samples incidents
    /// are read from.
    public func record(_ samples: [Sample], layout: SeriesLayout, changes: [HistoryEvent], at time: Date) {
        assert(layout.matches(samples), "a layout that is not the samples' series")
        let previous = shape.withLock { $0 }
        let incidentIndices: [Int]
        if let previous, previous.layout === layout {
            incidentIndices = previous.incidentIndices
        } else {
            incidentIndices = layout.keys.indices.filter { IncidentDetector.reads(layout.keys[$0].name) }
            shape.withLock { $0 = Shape(layout: layout, incidentIndices: incidentIndices) }
        }
        let round = QueuedRound(
            time: time, layout: layout, values: samples.map(\.value), incidentSamples: incidentIndices.map { samples[$0] })
        let dropped = queue.withLock { queue -> Int in
            guard !queue.stopping else { return 0 }
            queue.rounds.append(round)
            queue.samples += round.values.count
            queue.events += changes
            var dropped = 0
            while queue.samples > maximumQueuedSamples, queue.rounds.count > 1 {
                let oldest = queue.rounds.removeFirst()
                queue.samples -= oldest.values.count
                dropped += oldest.values.count
            }
            return dropped
        }
        if dropped > 0 { status.withLock { $0.samplesDropped += UInt64(dropped) } }
    }

    /// Events from elsewhere (delivery outcomes).
    public func record(_ events: [HistoryEvent]) {
        guard !events.isEmpty else { return }
        queue.withLock { queue in
            guard !queue.stopping else { return }
            queue.events += events
        }
    }

    /// Reads the store after writing what is queued, so a reader sees the latest round.
    /// Throws when the store cannot be opened (`HistoryUnavailable`) or read.
    public func read<T: Sendable>(_ body: (HistoryStore) throws -> T) throws -> T {
        write()
        let problem = status.withLock { $0.problem }
        return try writer.withLock { writer throws -> T in
            guard let store = writer.store else {
                throw HistoryUnavailable(path: path, reason: problem ?? "the history is not open yet")
            }
            return try body(store)
        }
    }

    /// Counters and the current problem, as `history_*` samples report them.
    public var health: (problem: String?, samplesWritten: UInt64, samplesDropped: UInt64, eventsWritten: UInt64, cutShortAt: Date?) {
        status.withLock { ($0.problem, $0.samplesWritten, $0.samplesDropped, $0.eventsWritten, $0.cutShortAt) }
    }

    /// Applies retention and the size cap now (the writer does it every hour).
    public func applyRetention() {
        prune()
    }

    // MARK: - Service

    /// Runs the writer until graceful shutdown (or cancellation), then writes what is left.
    public func run() async throws {
        async let stopped: Void = {
            try? await gracefulShutdown()
            self.stop()
        }()
        // Not cancellable: the writer's last pass completes before the service ends.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DetachedThread.start(name: "headroom-history") {
                self.writeUntilStopped()
                done.resume()
            }
        }
        await stopped
    }

    /// Makes the writer write what is queued and end.
    func stop() {
        queue.withLock { $0.stopping = true }
        bell.ring()
    }
}

/// The history cannot be read: its file could not be opened.
public struct HistoryUnavailable: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "history \(path): \(reason)" }
}
