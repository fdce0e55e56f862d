extension HistoryStore {
    /// Bounds the history by age, then by size: deletes every chunk that ends before `cutoff`
    /// (milliseconds; open chunks included), then, while the database's pages in use exceed
    /// `maxBytes`, the oldest chunks first. Series left with no chunk at all are forgotten
    /// with their labels. Freed pages go back to the file system (incremental vacuum, then a
    /// checkpoint that truncates the write-ahead log), so the files really shrink.
    ///
    /// Flushes first. The open chunks are never cut by size: a cap smaller than one chunk per
    /// series leaves just those.
    @discardableResult
    public func prune(before cutoff: Int64, maxBytes: Int) throws(HistoryError) -> HistoryPruning {
        try flush()
        var deleted = 0
        try database.transaction { () throws(HistoryError) in
            try database.run("DELETE FROM chunks WHERE last_ms < ?", [.integer(cutoff)])
            deleted += database.changes
            deleted += discardOpenChunks(endingBefore: cutoff)
            try flushHeadIfChanged()
        }
        try database.execute("PRAGMA incremental_vacuum")
        var cutByByteCap = false
        while try usedBytes() > maxBytes {
            let rows = try database.integer("SELECT count(*) FROM chunks")
            guard rows > 0 else { break }
            // Enough of the oldest chunks to cover the excess at the average row, at least one.
            let stored = try database.integer("SELECT total(length(data)) + 64 * count(*) FROM chunks")
            let average = max(stored / rows, 1)
            let batch = min(rows, max(1, Int64(try usedBytes() - maxBytes) / average + 1))
            try database.run("DELETE FROM chunks WHERE id IN (SELECT id FROM chunks ORDER BY last_ms, id LIMIT ?)", [.integer(batch)])
            deleted += database.changes
            cutByByteCap = true
            try database.execute("PRAGMA incremental_vacuum")
        }
        try forgetEmptySeries()
        try database.execute("PRAGMA incremental_vacuum")
        try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        var oldest: Int64?
        try database.run("SELECT min(first_ms) FROM chunks") { row in oldest = row.isNull(0) ? nil : row.integer(0) }
        if let open = openChunkStart { oldest = min(oldest ?? open, open) }
        return HistoryPruning(deletedChunks: deleted, cutByByteCap: cutByByteCap, oldestKept: oldest)
    }

    /// Bytes of the database's pages in use (its size less its free pages).
    func usedBytes() throws(HistoryError) -> Int {
        let pages = try database.integer("PRAGMA page_count") - database.integer("PRAGMA freelist_count")
        return Int(pages * (try database.integer("PRAGMA page_size")))
    }
}
