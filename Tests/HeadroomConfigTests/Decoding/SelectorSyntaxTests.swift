import HeadroomCore
import Testing

@testable import HeadroomConfig

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
        ])
    func valid(text: String, expected: MetricSelector) throws {
        #expect(try SelectorSyntax.parse(text) == expected)
    }

    @Test(
        "malformed selectors say what is wrong",
        arguments: [
            ("", "expected a metric name such as cpu_used_percent, got nothing"),
            ("{cpu=\"0\"}", "expected a metric name such as cpu_used_percent before the braces"),
            ("cpu-used", "\"cpu-used\" is not a metric name"),
            ("1cpu", "\"1cpu\" is not a metric name"),
            ("cpu used", "unexpected \"used\" after the metric name cpu"),
            ("m{cpu=\"0\"", "the label matchers of m have no closing \"}\""),
            ("m{cpu=0}", "the value of label cpu must be quoted: cpu=\"0\""),
            ("m{cpu=~\"0\"}", "regular-expression matchers (=~, !~) are not supported"),
            ("m{cpu<\"0\"}", "expected = or != after label cpu"),
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
        ])
    func formatRoundTrip(selector: MetricSelector) throws {
        #expect(try SelectorSyntax.parse(SelectorSyntax.format(selector)) == selector)
    }
}
