import HeadroomCore
import Testing

@testable import HeadroomServer

@Suite("Query expressions")
struct QueryExpressionTests {
    @Test(
        "arithmetic on number literals is a scalar",
        arguments: [
            ("1+1", 2.0), (" 1 + 1 ", 2), ("-2^2", -4), ("2^3^2", 512), ("(1 + 2) * 3", 9), ("7 % 4", 3), ("1 - 2 - 3", -4),
            ("8 / 2 / 2", 2), ("0x1f", 31), ("1e3", 1000), ("1e+3 - 1E-3", 999.999), ("2^-1", 0.5), ("+5", 5), ("Inf", .infinity),
            ("-inf", -.infinity), ("1/0", .infinity),
        ])
    func scalar(text: String, expected: Double) throws {
        #expect(try QueryExpression.parse(text) == .scalar(expected))
    }

    @Test("NaN is a scalar")
    func notANumber() throws {
        guard case .scalar(let value) = try QueryExpression.parse("NaN") else {
            Issue.record("NaN is not a scalar")
            return
        }
        #expect(value.isNaN)
    }

    @Test("a selector is a selector")
    func selector() throws {
        #expect(
            try QueryExpression.parse(#"headroom_gpu_memory_used_bytes{gpu=~"0|1"}"#)
                == .selector(MetricSelector("headroom_gpu_memory_used_bytes", [.init("gpu", .matchesRegex, "0|1")])))
    }

    @Test(
        "the rest of PromQL is bad data that says what is not supported",
        arguments: [
            ("rate(m[5m])", #"invalid parameter "query": functions such as rate() are not supported"#),
            ("sum by (gpu) (m)", #"invalid parameter "query": aggregations such as sum() are not supported"#),
            ("m[5m]", #"invalid parameter "query": range vectors (m[5m]) and subqueries are not supported"#),
            ("m offset 5m", #"invalid parameter "query": the offset and @ modifiers are not supported"#),
            ("m @ 1000", #"invalid parameter "query": the offset and @ modifiers are not supported"#),
            ("m * 2", #"invalid parameter "query": operators are not supported, except arithmetic on numbers such as 1+1"#),
            ("m > bool 1", #"invalid parameter "query": operators are not supported"#),
            ("m and n", #"invalid parameter "query": operators are not supported"#),
            (#"m{a="rate(x)"} - 1"#, #"invalid parameter "query": operators are not supported"#),
            (#"m{a=~"("}"#, #"invalid parameter "query": the regular expression "(" of label a is not valid"#),
            ("", #"invalid parameter "query": the query is empty; give a metric selector such as headroom_gpu_memory_used_bytes{gpu="0"}"#),
        ])
    func unsupported(text: String, message: String) {
        do {
            let parsed = try QueryExpression.parse(text)
            Issue.record("\(text) parsed as \(parsed)")
        } catch {
            #expect(error.type == .badData)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }
}
