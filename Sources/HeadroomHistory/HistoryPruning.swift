/// What `HistoryStore.prune(before:maxBytes:keepRollupsFrom:)` removed.
public struct HistoryPruning: Sendable, Equatable {
    /// Chunks deleted (each holds up to `samplesPerChunk` samples of one series).
    public var deletedChunks: Int
    /// Whether the byte cap deleted chunks the age limit would have kept: retention is then
    /// shorter than configured, which the daemon should say once.
    public var cutByByteCap: Bool
    /// The time of the oldest raw sample left (milliseconds), nil when none is left.
    public var oldestKept: Int64?
    /// Whether the byte cap deleted one-minute buckets the rollup retention would have kept.
    public var rollupsCutByByteCap: Bool
    /// The oldest minute the downsampled tier keeps (milliseconds), nil when it is empty.
    public var oldestRollup: Int64?

    public init(deletedChunks: Int, cutByByteCap: Bool, oldestKept: Int64?, rollupsCutByByteCap: Bool = false, oldestRollup: Int64? = nil) {
        self.deletedChunks = deletedChunks
        self.cutByByteCap = cutByByteCap
        self.oldestKept = oldestKept
        self.rollupsCutByByteCap = rollupsCutByByteCap
        self.oldestRollup = oldestRollup
    }
}
