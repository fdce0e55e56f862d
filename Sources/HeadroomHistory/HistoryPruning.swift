/// What `HistoryStore.prune(before:maxBytes:)` removed.
public struct HistoryPruning: Sendable, Equatable {
    /// Chunks deleted (each holds up to `samplesPerChunk` samples of one series).
    public var deletedChunks: Int
    /// Whether the byte cap deleted chunks the age limit would have kept: retention is then
    /// shorter than configured, which the daemon should say once.
    public var cutByByteCap: Bool
    /// The time of the oldest sample left (milliseconds), nil when nothing is left.
    public var oldestKept: Int64?

    public init(deletedChunks: Int, cutByByteCap: Bool, oldestKept: Int64?) {
        self.deletedChunks = deletedChunks
        self.cutByByteCap = cutByByteCap
        self.oldestKept = oldestKept
    }
}
