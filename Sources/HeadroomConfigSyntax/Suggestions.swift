/// "Did you mean …?" for misspelt keys, values, names and variables.
package enum Suggestions {
    /// The closest candidate: within Damerau–Levenshtein distance 2 (1 for words of up to
    /// five characters, so `to` does not suggest `for`), or one being a prefix of the other
    /// (at least four characters). Ties go to the earlier candidate.
    package static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        guard !lowered.isEmpty else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let other = candidate.lowercased()
            let distance = editDistance(lowered, other)
            let limit = min(lowered.count, other.count) <= 5 ? 1 : 2
            let prefix = min(lowered.count, other.count) >= 4 && (other.hasPrefix(lowered) || lowered.hasPrefix(other))
            guard distance <= limit || prefix else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// `did you mean "severity"?`, or nil when nothing is close.
    package static func didYouMean(_ word: String, _ candidates: [String]) -> String? {
        closest(to: word, in: candidates).map { "did you mean \"\($0)\"?" }
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and
    /// transpositions of neighbours each cost 1.
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}
