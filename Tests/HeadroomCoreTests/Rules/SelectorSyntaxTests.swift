import HeadroomCore
import Testing

@Suite("Metric selectors")
struct SelectorSyntaxTests {
    @Test(
        "valid selectors",
        arguments: [
            ("cpu_used_percent", MetricSelector("cpu_used_percent")),
            ("  cpu_used_percent  ", MetricSelector("cpu_used_percent")),
            ("node:load1", MetricSelector("node:load1")),
            ("cpu_core_used_percent{cpu!=\"0\"}", MetricSelector("cpu_core_used_percent", [.init("cpu", .notEqual, "0")])),
            ("m{cpu!=\"0\",mode=\"x\"}", MetricSelector("m", [.init("cpu", .notEqual, "0"), .init("mode", .equal, "x")])),
            ("m { cpu != '0' , mode = \"x\" , }", MetricSelector("m", [.init("cpu", .notEqual, "0"), .init("mode", .equal, "x")])),
            ("m{}", MetricSelector("m")),
            ("m{path=\"a,b}c\"}", MetricSelector("m", [.init("path", .equal, "a,b}c")])),
            ("m{q=\"say \\\"hi\\\" \\\\ there\"}", MetricSelector("m", [.init("q", .equal, "say \"hi\" \\ there")])),
            ("m{gpu=~\"0|1\", kind !~ 'mig.*'}", MetricSelector("m", [.init("gpu", .matchesRegex, "0|1"), .init("kind", .notMatchesRegex, "mig.*")])),
            ("m{gpu=~`\\d+`}", MetricSelector("m", [.init("gpu", .matchesRegex, "\\d+")])),
            ("{__name__=\"m\", gpu=\"0\"}", MetricSelector("m", [.init("gpu", .equal, "0")])),
            ("{__name__=~\"gpu_.*\"}", MetricSelector("", [.init("__name__", .matchesRegex, "gpu_.*")])),
            ("{gpu=\"0\"}", MetricSelector("", [.init("gpu", .equal, "0")])),
        ])
    func valid(text: String, expected: MetricSelector) throws {
        #expect(try SelectorSyntax.parse(text) == expected)
    }

    @Test(
        "malformed selectors say what is wrong",
        arguments: [
            ("", "expected a metric name such as cpu_used_percent, got nothing"),
            ("{}", "a selector without a metric name needs a matcher that does not match the empty string"),
            ("{gpu=~\".*\"}", "a selector without a metric name needs a matcher that does not match the empty string"),
            ("m{__name__=\"x\"}", "the metric name is given twice, as m and as __name__=\"x\""),
            ("m{gpu=~\"(0\"}", "the regular expression \"(0\" of label gpu is not valid"),
            ("m{gpu=~`0}", "the value of label gpu has no closing backquote"),
            ("cpu-used", "\"cpu-used\" is not a metric name"),
            ("1cpu", "\"1cpu\" is not a metric name"),
            ("cpu used", "unexpected \"used\" after the metric name cpu"),
            ("m{cpu=\"0\"", "the label matchers of m have no closing \"}\""),
            ("m{cpu=0}", "the value of label cpu must be quoted: cpu=\"0\""),
            ("m{cpu<\"0\"}", "expected =, !=, =~ or !~ after label cpu"),
            ("m{cpu=\"0}", "the value of label cpu has no closing double quote"),
            ("m{cpu=\"0\" mode=\"x\"}", "expected \",\" or \"}\" after cpu=\"0\""),
            ("m{=\"0\"}", "expected a label name such as cpu in the braces of m"),
            ("m{cpu=\"0\"} extra", "unexpected \"extra\" after the closing \"}\""),
            ("m{cpu=\"\\x\"}", "unknown escape \\x in the value of label cpu"),
        ])
    func malformed(text: String, message: String) {
        #expect(throws: SelectorSyntax.Failure.self) { try SelectorSyntax.parse(text) }
        do {
            _ = try SelectorSyntax.parse(text)
        } catch {
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test(
        "format writes what parse reads back",
        arguments: [
            MetricSelector("cpu_used_percent"),
            MetricSelector("m", [.init("cpu", .notEqual, "0"), .init("mode", .equal, "a,b}")]),
            MetricSelector("m", [.init("q", .equal, "quote \" backslash \\ newline \n tab \t")]),
            MetricSelector("m", [.init("gpu", .matchesRegex, "\\d|a\"b"), .init("kind", .notMatchesRegex, "mig.*")]),
            MetricSelector("", [.init("__name__", .matchesRegex, "gpu_.*")]),
        ])
    func formatRoundTrip(selector: MetricSelector) throws {
        #expect(try SelectorSyntax.parse(SelectorSyntax.format(selector)) == selector)
    }

    @Test(
        "regular expressions are fully anchored and match whole values",
        arguments: [
            ("0|1", "0", true), ("0|1", "10", false), ("0|1", "1", true), ("gpu_.*", "gpu_memory", true),
            ("gpu_.*", "x_gpu_memory", false), ("mem", "memory", false), ("", "", true), (".+", "", false),
        ])
    func anchored(pattern: String, value: String, matches: Bool) {
        #expect(MetricSelector.Matcher("l", .matchesRegex, pattern).matches(value: value) == matches)
        #expect(MetricSelector.Matcher("l", .notMatchesRegex, pattern).matches(value: value) == !matches)
    }

    @Test("a name-less selector matches __name__ against the series name; equal selectors hash alike")
    func nameMatchers() throws {
        let selector = try SelectorSyntax.parse("{__name__=~\"gpu_.*\",gpu!=\"1\"}")
        #expect(selector.matches(SeriesKey("gpu_memory_used_bytes", Labels(["gpu": "0"]))))
        #expect(!selector.matches(SeriesKey("gpu_memory_used_bytes", Labels(["gpu": "1"]))))
        #expect(!selector.matches(SeriesKey("cpu_used_percent")))
        let again = try SelectorSyntax.parse("{__name__=~'gpu_.*', gpu!='1'}")
        #expect(Set([selector, again]).count == 1)
    }
}
