import Testing

@testable import HeadroomConfigSyntax

@Suite("Suggestions")
struct SuggestionsTests {
    @Test(
        "edit distance counts insertions, deletions, substitutions and transpositions",
        arguments: [
            ("", "abc", 3), ("severity", "severity", 0), ("sevrity", "severity", 1), ("sevreity", "severity", 1),
            ("levle", "level", 1), ("kitten", "sitting", 3), ("ab", "ba", 1),
        ])
    func distance(a: String, b: String, expected: Int) {
        #expect(Suggestions.editDistance(a, b) == expected)
    }

    @Test(
        "the closest candidate within distance 2 (1 for short words), or sharing a prefix",
        arguments: [
            ("sevrity", ["name", "severity", "summary"], "severity"),
            ("SEVERITY", ["severity"], "severity"),
            ("to", ["for"], nil),
            ("fro", ["for", "family"], "for"),
            ("fox", ["for"], "for"),
            ("xyz", ["for"], nil),
            ("keep_firing", ["keep_firing_for", "clear"], "keep_firing_for"),
            ("repeat", ["repeat_interval", "inhibit"], "repeat_interval"),
            ("rep", ["repeat_interval"], nil),
            ("HEADROOM_INTERVALL", ["HEADROOM_INTERVAL", "HEADROOM_LOG_LEVEL"], "HEADROOM_INTERVAL"),
        ] as [(String, [String], String?)])
    func closest(word: String, candidates: [String], expected: String?) {
        #expect(Suggestions.closest(to: word, in: candidates) == expected)
    }
}
