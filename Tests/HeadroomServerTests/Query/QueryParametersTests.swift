import HeadroomCore
import Testing

@testable import HeadroomServer

@Suite("Query parameters")
struct QueryParametersTests {
    @Test("form fields decode + and %XX; match[] repeats; the body comes before the URL")
    func decode() {
        let parameters = QueryParameters(
            query: "match%5B%5D=b&step=15s", body: "query=rate(m%5B5m%5D)+%2B+1&match[]=a%7Bgpu%3D%220%22%7D&empty&caf%C3%A9=%E2%9C%93")
        #expect(parameters.first("query") == "rate(m[5m]) + 1")
        #expect(parameters.all("match[]") == [#"a{gpu="0"}"#, "b"])
        #expect(parameters.first("step") == "15s")
        #expect(parameters.first("empty") == "")
        #expect(parameters.first("café") == "✓")
        #expect(QueryParameters(query: "a=%zz%4").first("a") == "%zz%4")
    }

    @Test(
        "times are float seconds (to the millisecond) or RFC 3339",
        arguments: [
            ("1435781430.781", Int64(1_435_781_430_781)), ("1435781430", 1_435_781_430_000), ("1435781430.7815", 1_435_781_430_782),
            ("1e9", 1_000_000_000_000), ("2015-07-01T20:10:30.781Z", 1_435_781_430_781), ("2015-07-01T22:10:30%2B02:00", 1_435_781_430_000),
        ])
    func time(text: String, expected: Int64) throws {
        #expect(try QueryParameters(query: "start=\(text)").time("start") == expected)
    }

    @Test("a missing or unreadable time says which parameter")
    func badTime() {
        #expect(throws: QueryError.invalidParameter("start", #"cannot parse "" to a valid timestamp"#)) {
            try QueryParameters(query: "").time("start")
        }
        #expect(throws: QueryError.invalidParameter("end", #"cannot parse "yesterday" to a valid timestamp"#)) {
            try QueryParameters(query: "end=yesterday").time("end")
        }
        #expect((try? QueryParameters(query: "").time("time", fallback: 7)) == 7)
    }

    @Test(
        "steps are float seconds or durations",
        arguments: [("15", Int64(15_000)), ("0.5", 500), ("15s", 15_000), ("1m", 60_000), ("1h30m", 5_400_000), ("250ms", 250)])
    func step(text: String, expected: Int64) throws {
        #expect(try QueryParameters(query: "step=\(text)").step() == expected)
    }

    @Test("a zero, negative or unreadable step is bad data")
    func badStep() {
        let zero = QueryError.badData("zero or negative query resolution step widths are not accepted. Try a positive integer")
        #expect(throws: zero) { try QueryParameters(query: "step=0").step() }
        #expect(throws: zero) { try QueryParameters(query: "step=-5").step() }
        #expect(throws: QueryError.invalidParameter("step", #"cannot parse "soon" to a valid duration"#)) {
            try QueryParameters(query: "step=soon").step()
        }
    }
}
