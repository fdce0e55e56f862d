import Testing

@testable import HeadroomServer

@Suite("Step evaluation")
struct StepEvaluationTests {
    /// Samples every 15 s from 0 to 60 s, then a gap until 600 s.
    let samples: [(time: Int64, value: Double)] = [(0, 0), (15_000, 1), (30_000, 2), (45_000, 3), (60_000, 4), (600_000, 5)]

    @Test("each step takes the latest sample at or before it")
    func latest() throws {
        let points = StepEvaluation.points(samples, at: try StepEvaluation.steps(start: 0, end: 60_000, step: 20_000))
        #expect(points.map(\.time) == [0, 20_000, 40_000, 60_000])
        #expect(points.map(\.value) == [0, 1, 2, 4])
    }

    @Test("the lookback is five minutes, open at its start; a longer gap leaves steps out")
    func lookback() {
        let times: [Int64] = [359_999, 360_000, 599_999, 600_000, 899_999, 900_000]
        let points = StepEvaluation.points(samples, at: times)
        #expect(points.map(\.time) == [359_999, 600_000, 899_999])
        #expect(points.map(\.value) == [4, 5, 5])
        #expect(StepEvaluation.earliestSample(forStep: 360_000) == 60_001)
    }

    @Test("no sample before the first step, no point")
    func before() {
        #expect(StepEvaluation.points([(10_000, 1)], at: [0, 5_000]).isEmpty)
        #expect(StepEvaluation.points([], at: [0]).isEmpty)
    }

    @Test("an instant query is one step")
    func instant() throws {
        let point = try #require(StepEvaluation.point(samples, at: 50_000))
        #expect(point.time == 50_000 && point.value == 3)
        #expect(StepEvaluation.point(samples, at: 500_000) == nil)
    }

    @Test("at most 11,000 steps, as Prometheus")
    func limit() throws {
        #expect(Array(try StepEvaluation.steps(start: 0, end: 11_000_000, step: 1000)).count == 11_001)
        #expect(throws: QueryError.badData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")) {
            try StepEvaluation.steps(start: 0, end: 11_001_000, step: 1000)
        }
    }

    @Test("a range ending before it starts, or a zero step, is bad data")
    func invalid() {
        #expect(throws: QueryError.badData("end timestamp must not be before start time")) {
            try StepEvaluation.steps(start: 1000, end: 0, step: 1000)
        }
        #expect(throws: QueryError.badData("zero or negative query resolution step widths are not accepted. Try a positive integer")) {
            try StepEvaluation.steps(start: 0, end: 1000, step: 0)
        }
    }
}
