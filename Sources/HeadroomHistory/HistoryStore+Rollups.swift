public import HeadroomCore

/// The downsampled tier: when `prune` deletes raw chunks for their age, each is first rolled
/// up into one-minute buckets (`MinuteRollup`: minimum, maximum, mean, count and the last
/// sample), one `rollups` row per chunk, kept until the rollup cutoff. A minute split between
/// two chunks is two rows, merged when read.
extension HistoryStore {
    static let rollupSchema = """
        CREATE TABLE IF NOT EXISTS rollups (
            id INTEGER PRIMARY KEY, series INTEGER NOT NULL REFERENCES series(id),
            first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, buckets INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS rollups_by_series_time ON rollups (series, last_ms);
        """

    /// The one-minute buckets of a series from `from` to `to` (milliseconds; buckets whose
    /// minute overlaps the range), oldest first, parts of one minute merged.
    public func rollups(of key: SeriesKey, from: Int64, to: Int64) throws(HistoryError) -> [RollupBucket] {
        guard let id = try id(of: key) else { return [] }
        return try rollups(ofSeries: id, from: from, to: to)
    }

    func rollups(ofSeries id: Int64, from: Int64, to: Int64) throws(HistoryError) -> [RollupBucket] {
        // Rows whose last minute may still overlap `from`.
        let reach = from > .min + MinuteRollup.bucketMilliseconds ? from - MinuteRollup.bucketMilliseconds + 1 : .min
        var rows: [[UInt8]] = []
        try database.run(
            "SELECT data FROM rollups WHERE series = ? AND last_ms >= ? AND first_ms <= ? ORDER BY first_ms, id",
            [.integer(id), .integer(reach), .integer(to)]
        ) { row throws(HistoryError) in rows.append(row.blob(0)) }
        var buckets: [RollupBucket] = []
        for bytes in rows {
            guard let decoded = MinuteRollup.decode(bytes) else {
                throw HistoryError(path: database.path, reason: "a rollup row of series \(id) does not decode; the file is damaged")
            }
            buckets += decoded.filter { $0.minute + MinuteRollup.bucketMilliseconds > from && $0.minute <= to }
        }
        return MinuteRollup.merged(buckets)
    }

    /// Rolls up what `prune` is about to delete for its age (inside its transaction): the
    /// stored chunks ending before `cutoff`, and `open` (open chunks that ended before it).
    /// Buckets whose minute ends before `rollupCutoff` are not kept.
    func rollUp(chunksEndingBefore cutoff: Int64, open: [(series: Int64, chunk: SampleChunk)], keepingFrom rollupCutoff: Int64) throws(HistoryError) {
        var doomed: [(series: Int64, bytes: [UInt8])] = []
        try database.run("SELECT series, data FROM chunks WHERE last_ms < ? ORDER BY series, first_ms, id", [.integer(cutoff)]) { row in
            doomed.append((row.integer(0), row.blob(1)))
        }
        doomed += open.map { ($0.series, $0.chunk.bytes) }
        for (series, bytes) in doomed {
            guard let samples = SampleChunk.decode(bytes) else {
                throw HistoryError(path: database.path, reason: "a chunk of series \(series) does not decode; the file is damaged")
            }
            let buckets = MinuteRollup.buckets(samples).filter { $0.minute + MinuteRollup.bucketMilliseconds > rollupCutoff }
            guard let first = buckets.first, let last = buckets.last else { continue }
            try database.run(
                "INSERT INTO rollups (series, first_ms, last_ms, buckets, data) VALUES (?, ?, ?, ?, ?)",
                [.integer(series), .integer(first.minute), .integer(last.lastTime), .integer(Int64(buckets.count)), .blob(MinuteRollup.encode(buckets))])
        }
    }
}
