/// The series table: each series key interned to an integer id, its label set to another
/// (for inhibition), values and details of the round, and forgetting series that are gone.
extension AlertEngine {
    /// Takes a round's values into the table, interning new series; at `policy.maxSeries`
    /// a new series is refused (and counted), known ones go on. A round in the latest round's
    /// layout takes every id by position. Otherwise: the collectors return their samples in
    /// the same order every round, so almost every id is found at the sample's position in
    /// the latest round with one comparison of name and labels, not a hash of both.
    mutating func store(_ samples: [Sample], layout: SeriesLayout?) {
        lastRoundRefusedSamples = 0
        if let layout, layout === idsLayout, idsByPosition.count == samples.count {
            for position in samples.indices {
                let id = idsByPosition[position]
                values[id] = samples[position].value
                details[id] = samples[position].detail
                seenRound[id] = round
            }
            return
        }
        idsLayout = nil
        var ids = idsByPosition
        idsByPosition = []
        for (position, sample) in samples.enumerated() {
            let id: Int
            if position < ids.count, ids[position] >= 0, seriesKeys[ids[position]].name == sample.name,
                seriesKeys[ids[position]].labels == sample.labels
            {
                id = ids[position]
            } else if let found = seriesIndex[sample.key] ?? (seriesIndex.count < policy.maxSeries ? intern(sample.key) : nil) {
                id = found
            } else {
                lastRoundRefusedSamples += 1
                refusedSamplesTotal &+= 1
                if position < ids.count { ids[position] = -1 } else { ids.append(-1) }
                continue
            }
            if position < ids.count { ids[position] = id } else { ids.append(id) }
            values[id] = sample.value
            details[id] = sample.detail
            seenRound[id] = round
        }
        if ids.count > samples.count { ids.removeLast(ids.count - samples.count) }
        idsByPosition = ids
        // A refused position must be tried again next round (a series may have gone meanwhile).
        if lastRoundRefusedSamples == 0 { idsLayout = layout }
    }

    mutating func intern(_ key: SeriesKey) -> Int {
        if let id = seriesIndex[key] { return id }
        let labelID: Int
        if let existing = labelIndex[key.labels] {
            labelID = existing
        } else if let reused = freeLabelIDs.popLast() {
            labelID = reused
            labelIndex[key.labels] = labelID
        } else {
            labelID = nextLabelID
            nextLabelID += 1
            labelIndex[key.labels] = labelID
        }
        let id: Int
        if let reused = freeIDs.popLast() {
            // A pruned series' slot: every rule's state for it is already nil.
            id = reused
            seriesKeys[id] = key
            labelIDs[id] = labelID
            values[id] = .nan
            details[id] = nil
            seenRound[id] = 0
        } else {
            id = seriesKeys.count
            seriesKeys.append(key)
            labelIDs.append(labelID)
            values.append(.nan)
            details.append(nil)
            seenRound.append(0)
            slots.reserve(series: seriesKeys.count)
        }
        seriesIndex[key] = id
        seriesByName[key.name, default: []].append(id)
        for ruleIndex in rulesByMetric[key.name] ?? [] where rules[ruleIndex].selector.matchesLabels(key.labels) {
            matched[ruleIndex].append(id)
        }
        return id
    }

    /// Forgets series unseen for `pruneAfterRounds` rounds that no rule holds state for
    /// (a process that exited, a container that is gone), so churning label sets such as
    /// per-process GPU series do not grow the table forever. Their ids are reused.
    mutating func pruneSeries() {
        guard round > Self.pruneAfterRounds else { return }
        let horizon = round - Self.pruneAfterRounds
        var pruned: Set<Int> = []
        for id in seriesKeys.indices where seenRound[id] < horizon && seriesIndex[seriesKeys[id]] == id {
            guard !slots.holdsAny(series: id) else { continue }
            pruned.insert(id)
        }
        guard !pruned.isEmpty else { return }
        // Only ids the latest round did not see are pruned; forgetting the positions anyway
        // keeps a reused id from ever being taken for its old series.
        idsByPosition = []
        idsLayout = nil
        for id in pruned {
            seriesIndex[seriesKeys[id]] = nil
            seriesByName[seriesKeys[id].name]?.removeAll { $0 == id }
            seenRound[id] = 0
        }
        for ruleIndex in matched.indices { matched[ruleIndex].removeAll { pruned.contains($0) } }
        freeIDs += pruned.sorted(by: >)
        // Label sets no live series uses any more.
        let live = Set(seriesIndex.values.map { labelIDs[$0] })
        for (_, labelID) in labelIndex where !live.contains(labelID) { freeLabelIDs.append(labelID) }
        labelIndex = labelIndex.filter { live.contains($0.value) }
    }

    /// The number of series the engine currently tracks (for tests and self-metrics).
    public var trackedSeries: Int { seriesIndex.count }

    func currentValue(_ key: SeriesKey) -> Double? {
        guard let id = seriesIndex[key], seenRound[id] == round else { return nil }
        return values[id]
    }

    /// The capacity series of a trend: the one with the same labels, else the one whose
    /// labels all appear on the usage series (`gpu_memory_total_bytes{gpu="0",…}` for
    /// `gpu_process_memory_used_bytes{gpu="0",…,pid="4242"}`).
    func capacityValue(_ name: String, for labels: Labels) -> Double? {
        if let exact = currentValue(SeriesKey(name, labels)) { return exact }
        for id in seriesByName[name] ?? [] where seenRound[id] == round {
            if seriesKeys[id].labels.pairs.allSatisfy({ labels[$0.name] == $0.value }) { return values[id] }
        }
        return nil
    }
}
