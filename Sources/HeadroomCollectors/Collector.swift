public import HeadroomCore

/// Reads one kind of host resource.
///
/// Implementation requirements:
/// - Do I/O only through the `SystemFiles` given to the initialiser; never sleep,
///   never read a clock.
/// - Return **raw** readings: cumulative counters stay counters (`kind: .counter`);
///   the core turns them into rates (`SampleDerivation`).
/// - Throw `CollectorError.unavailable` when the resource does not exist on this host
///   (no PSI, no cgroup controller): the daemon logs that once, at info level.
/// - Throw `CollectorError.failed` for anything else (unreadable or malformed file),
///   with the path and what was wrong; never crash on garbage input.
/// - Be safe to call from any thread, one call at a time (the daemon never overlaps
///   two calls of the same collector).
public protocol Collector: Sendable {
    /// Stable name used in configuration, logs and the `collector` label: `cpu`, `memory`, …
    var name: String { get }
    /// Takes one reading.
    func collect() throws(CollectorError) -> [Sample]
    /// Rounds the **first** reading may take before an overrun counts as a stall: the
    /// first NVML call initialises the driver, which takes tens of seconds on a multi-GPU
    /// machine without persistence mode. Until then the collector is reported as starting
    /// (unavailable, logged once), not stalled. Default 0.
    var startupGraceRounds: Int { get }
}

extension Collector {
    public var startupGraceRounds: Int { 0 }
}

/// Why a collector produced no samples.
public enum CollectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The resource does not exist on this host; the text says what is missing and the remedy.
    case unavailable(String)
    /// Reading or parsing failed; the text names the file and what was wrong.
    case failed(String)

    public var description: String {
        switch self {
        case .unavailable(let reason), .failed(let reason): reason
        }
    }
}
