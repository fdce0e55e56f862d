import HeadroomCore

extension HistoryStore {
    /// Bounds the history by age, then by size: deletes every chunk that ends before `cutoff`
    /// (milliseconds; open chunks included), rolling each up into one-minute buckets first when
    /// `rollupCutoff` is given (the downsampled tier, `HistoryStore+Rollups`), and the buckets
    /// that end before `rollupCutoff` (all of them when it is nil). Then, while the database's
    /// pages in use exceed `maxBytes`, the oldest data goes first: the buckets, then the oldest
    /// chunks. Series left with nothing are forgotten with their labels. Freed pages go back to
    /// the file system (incremental vacuum, then a checkpoint that truncates the write-ahead
    /// log), so the files really shrink.
    ///
    /// Flushes first. The open chunks are never cut by size: a cap smaller than one chunk per
    /// series leaves just those.
    @discardableResult
    public func prune(before cutoff: Int64, maxBytes: Int, keepRollupsFrom rollupCutoff: Int64? = nil) throws(HistoryError) -> HistoryPruning {
        try flush()
        var deleted = 0
        try database.transaction { () throws(HistoryError) in
            if let rollupCutoff, rollupCutoff < cutoff {
                let open = series.filter { ($0.chunk.lastTimestamp ?? .max) < cutoff }.map { (series: $0.id, chunk: $0.chunk) }
                try rollUp(chunksEndingBefore: cutoff, open: open, keepingFrom: rollupCutoff)
            }
            try database.run("DELETE FROM rollups WHERE last_ms < ?", [.integer(rollupCutoff ?? .max)])
            try database.run("DELETE FROM chunks WHERE last_ms < ?", [.integer(cutoff)])
            deleted += database.changes
            deleted += discardOpenChunks(endingBefore: cutoff)
            try flushHeadIfChanged()
        }
        try database.execute("PRAGMA incremental_vacuum")
        var cutByByteCap = false
        var rollupsCutByByteCap = false
        while try usedBytes() > maxBytes {
            if try deleteOldest(from: "rollups", over: maxBytes) > 0 {
                rollupsCutByByteCap = true
                continue
            }
            let removed = try deleteOldest(from: "chunks", over: maxBytes)
            guard removed > 0 else { break }
            deleted += removed
            cutByByteCap = true
        }
        try forgetEmptySeries()
        try database.execute("PRAGMA incremental_vacuum")
        try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        var oldest: Int64?
        try database.run("SELECT min(first_ms) FROM chunks") { row in oldest = row.isNull(0) ? nil : row.integer(0) }
        if let open = openChunkStart { oldest = min(oldest ?? open, open) }
        var oldestRollup: Int64?
        try database.run("SELECT min(first_ms) FROM rollups") { row in oldestRollup = row.isNull(0) ? nil : row.integer(0) }
        return HistoryPruning(
            deletedChunks: deleted, cutByByteCap: cutByByteCap, oldestKept: oldest, rollupsCutByByteCap: rollupsCutByByteCap,
            oldestRollup: oldestRollup)
    }

    /// Deletes enough of `table`'s oldest rows to cover the bytes over the cap at its average
    /// row (at least one), then vacuums; how many it deleted (0: the table is empty).
    private func deleteOldest(from table: String, over maxBytes: Int) throws(HistoryError) -> Int {
        let rows = try database.integer("SELECT count(*) FROM \(table)")
        guard rows > 0 else { return 0 }
        let stored = try database.integer("SELECT total(length(data)) + 64 * count(*) FROM \(table)")
        let average = max(stored / rows, 1)
        let batch = min(rows, max(1, Int64(try usedBytes() - maxBytes) / average + 1))
        try database.run("DELETE FROM \(table) WHERE id IN (SELECT id FROM \(table) ORDER BY last_ms, id LIMIT ?)", [.integer(batch)])
        let removed = database.changes
        try database.execute("PRAGMA incremental_vacuum")
        return removed
    }

    /// Bytes of the database's pages in use (its size less its free pages).
    func usedBytes() throws(HistoryError) -> Int {
        let pages = try database.integer("PRAGMA page_count") - database.integer("PRAGMA freelist_count")
        return Int(pages * (try database.integer("PRAGMA page_size")))
    }

    /// Drops the open chunks whose last sample is before `cutoff`; returns how many.
    func discardOpenChunks(endingBefore cutoff: Int64) -> Int {
        var discarded = 0
        for slot in series.indices {
            guard let last = series[slot].chunk.lastTimestamp, last < cutoff else { continue }
            series[slot].chunk = SampleChunk()
            series[slot].logged = SampleChunk.Mark()
            series[slot].restarted = true
            headChanged = true
            discarded += 1
        }
        return discarded
    }

    /// Rewrites the head when an open chunk changed (inside the caller's transaction).
    func flushHeadIfChanged() throws(HistoryError) {
        guard headChanged else { return }
        try writeHead()
        headChanged = false
    }

    /// The first sample time of the oldest open chunk.
    var openChunkStart: Int64? { series.compactMap(\.chunk.firstTimestamp).min() }

    /// Deletes the rows and labels of series with no chunk and no open chunk, and forgets them.
    func forgetEmptySeries() throws(HistoryError) {
        var stored: Set<Int64> = []
        try database.run("SELECT DISTINCT series FROM chunks UNION SELECT DISTINCT series FROM rollups") { row in stored.insert(row.integer(0)) }
        var rows: [Int64] = []
        try database.run("SELECT id FROM series") { row in rows.append(row.integer(0)) }
        let open = Set(series.filter { $0.chunk.count > 0 }.map(\.id))
        let empty = rows.filter { !stored.contains($0) && !open.contains($0) }
        guard !empty.isEmpty else { return }
        try database.transaction { () throws(HistoryError) in
            for id in empty {
                try database.run("DELETE FROM series_labels WHERE series = ?", [.integer(id)])
                try database.run("DELETE FROM series WHERE id = ?", [.integer(id)])
            }
        }
        let gone = Set(empty)
        replaceSeries(series.filter { !gone.contains($0.id) })
    }
}
