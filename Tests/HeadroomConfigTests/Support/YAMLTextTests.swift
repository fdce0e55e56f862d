import Testing

@testable import HeadroomConfigSyntax

@Suite("YAML text")
struct YAMLTextTests {
    @Test(
        "durations are exact and readable",
        arguments: [
            (Duration.zero, "0s"), (.milliseconds(250), "250ms"), (.seconds(5), "5s"), (.milliseconds(1500), "1s500ms"),
            (.seconds(90), "1m30s"), (.seconds(5400), "1h30m"), (.seconds(3600), "1h"), (.seconds(90_000), "25h"),
            (.milliseconds(3_661_001), "1h1m1s1ms"),
        ])
    func duration(value: Duration, expected: String) {
        #expect(YAMLText.duration(value) == expected)
    }

    @Test(
        "strings are plain when unambiguous, else double-quoted",
        arguments: [
            ("cpu_overload", "cpu_overload"), ("/var/log/a.jsonl", "/var/log/a.jsonl"), ("gpu-01", "gpu-01"),
            ("", "\"\""), ("null", "\"null\""), ("True", "\"True\""), ("90", "\"90\""), ("1e3", "\"1e3\""),
            ("-x", "\"-x\""), ("a b", "\"a b\""), ("a: b", "\"a: b\""), ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("tab\there", "\"tab\\there\""), ("del\u{7F}", "\"del\\x7F\""), ("bom\u{FEFF}", "\"bom\\uFEFF\""), ("ünï", "\"ünï\""),
        ])
    func string(text: String, expected: String) {
        #expect(YAMLText.string(text) == expected)
    }

    @Test(
        "numbers are the shortest text that reads back",
        arguments: [
            (90.0, "90"), (0.8, "0.8"), (-3.0, "-3"), (1e-7, "1e-07"), (1e20, "1e+20"), (12.5, "12.5"),
        ])
    func number(value: Double, expected: String) {
        #expect(YAMLText.number(value) == expected)
        #expect(Double(YAMLText.number(value)) == value)
    }
}
