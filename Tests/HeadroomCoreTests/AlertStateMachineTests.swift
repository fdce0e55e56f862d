import Foundation
import HeadroomCore
import Testing

@Suite("AlertStateMachine transitions")
struct AlertStateMachineTests {
    typealias T = AlertStateMachine.Transition

    /// (breached, cleared?, seconds) → expected transition; `nil` value = absent sample.
    struct Step: Sendable, CustomStringConvertible {
        var at: Double
        var breached: Bool?
        var cleared: Bool?
        var expect: T
        var description: String { "t=\(at) breached=\(String(describing: breached)) → \(expect)" }
    }

    static func run(_ timing: AlertStateMachine.Timing, _ steps: [Step]) {
        var machine = AlertStateMachine(timing: timing)
        let origin = Date(timeIntervalSince1970: 1_000)
        for step in steps {
            let now = origin.addingTimeInterval(step.at)
            let got: T
            if let breached = step.breached {
                got = machine.observe(breached: breached, cleared: step.cleared ?? !breached, at: now)
            } else {
                got = machine.observeAbsent(at: now)
            }
            #expect(got == step.expect, "\(step)")
        }
    }

    @Test("a timing is a value: machines given the same one keep it when one of them changes its own")
    func timingIsAValue() {
        let shared = AlertStateMachine.Timing(hold: .duration(.seconds(10)))
        var kept = AlertStateMachine(timing: shared)
        var changed = AlertStateMachine(timing: shared)
        changed.timing.hold = .immediately
        #expect(kept.timing == shared)
        #expect(changed.timing != shared)
        #expect(changed.timing == AlertStateMachine.Timing(hold: .immediately))
        let origin = Date(timeIntervalSince1970: 1_000)
        #expect(kept.observe(breached: true, cleared: false, at: origin) == .pending)
        #expect(changed.observe(breached: true, cleared: false, at: origin) == .fired)
    }

    @Test("a timing changed in place takes effect at the next observation (a reload)")
    func timingChangedInPlace() {
        var machine = AlertStateMachine(timing: .init(hold: .duration(.seconds(10))))
        let origin = Date(timeIntervalSince1970: 1_000)
        #expect(machine.observe(breached: true, cleared: false, at: origin) == .pending)
        machine.timing.hold = .duration(.seconds(20))
        #expect(machine.observe(breached: true, cleared: false, at: origin.addingTimeInterval(10)) == .none)
        #expect(machine.observe(breached: true, cleared: false, at: origin.addingTimeInterval(20)) == .fired)
        machine.timing.keepFiringFor = .seconds(30)
        #expect(machine.observe(breached: false, cleared: true, at: origin.addingTimeInterval(25)) == .none)
        machine.timing.staleAfter = .seconds(5)
        let resolved = machine.observeAbsent(at: origin.addingTimeInterval(31))
        #expect(resolved == .resolved(silence: 6))
        #expect(resolved.reason == "no data for 6s")
    }

    static let cases: [(String, AlertStateMachine.Timing, [Step])] = [
        (
            "immediately fires and resolves", .init(hold: .immediately),
            [
                Step(at: 0, breached: false, expect: .none),
                Step(at: 5, breached: true, expect: .fired),
                Step(at: 10, breached: true, expect: .none),
                Step(at: 15, breached: false, expect: .resolved(silence: nil)),
            ]
        ),
        (
            "for: 10s fires at the first sample at or after 10 s", .init(hold: .duration(.seconds(10))),
            [
                Step(at: 0, breached: true, expect: .pending),
                Step(at: 5, breached: true, expect: .none),
                Step(at: 10, breached: true, expect: .fired),
            ]
        ),
        (
            "for: 10s restarts after a dip", .init(hold: .duration(.seconds(10))),
            [
                Step(at: 0, breached: true, expect: .pending),
                Step(at: 5, breached: false, expect: .cancelled),
                Step(at: 10, breached: true, expect: .pending),
                Step(at: 15, breached: true, expect: .none),
                Step(at: 20, breached: true, expect: .fired),
            ]
        ),
        (
            "for: 10s restarts after a gap in the data", .init(hold: .duration(.seconds(10))),
            [
                Step(at: 0, breached: true, expect: .pending),
                Step(at: 5, breached: nil, expect: .cancelled),
                Step(at: 10, breached: true, expect: .pending),
            ]
        ),
        (
            "samples: 3", .init(hold: .consecutiveSamples(3)),
            [
                Step(at: 0, breached: true, expect: .pending),
                Step(at: 1, breached: true, expect: .none),
                Step(at: 2, breached: false, expect: .cancelled),
                Step(at: 3, breached: true, expect: .pending),
                Step(at: 4, breached: true, expect: .none),
                Step(at: 5, breached: true, expect: .fired),
            ]
        ),
        (
            "within 2 of 3 tolerates one gap", .init(hold: .within(samples: 2, of: 3)),
            [
                Step(at: 0, breached: true, expect: .pending),
                Step(at: 1, breached: false, expect: .none),
                Step(at: 2, breached: true, expect: .fired),
            ]
        ),
        (
            "within 2 of 3 gives up once the window is clean", .init(hold: .within(samples: 2, of: 3)),
            [
                Step(at: 0, breached: true, expect: .pending),
                Step(at: 1, breached: false, expect: .none),
                Step(at: 2, breached: false, expect: .none),
                Step(at: 3, breached: false, expect: .cancelled),
            ]
        ),
        (
            "hysteresis: stays firing until cleared", .init(hold: .immediately),
            [
                Step(at: 0, breached: true, expect: .fired),
                Step(at: 5, breached: false, cleared: false, expect: .none),
                Step(at: 10, breached: false, cleared: false, expect: .none),
                Step(at: 15, breached: false, cleared: true, expect: .resolved(silence: nil)),
            ]
        ),
        (
            "keep_firing_for holds the alert after recovery", .init(hold: .immediately, keepFiringFor: .seconds(10)),
            [
                Step(at: 0, breached: true, expect: .fired),
                Step(at: 5, breached: false, expect: .none),
                Step(at: 9, breached: false, expect: .none),
                Step(at: 10, breached: false, expect: .resolved(silence: nil)),
            ]
        ),
        (
            "keep_firing_for restarts on a new breach", .init(hold: .immediately, keepFiringFor: .seconds(10)),
            [
                Step(at: 0, breached: true, expect: .fired),
                Step(at: 5, breached: false, expect: .none),
                Step(at: 8, breached: true, expect: .none),
                Step(at: 15, breached: false, expect: .none),
                Step(at: 18, breached: false, expect: .resolved(silence: nil)),
            ]
        ),
        (
            "a firing series that vanishes resolves after stale_after", .init(hold: .immediately, staleAfter: .seconds(60)),
            [
                Step(at: 0, breached: true, expect: .fired),
                Step(at: 30, breached: nil, expect: .none),
                Step(at: 59, breached: nil, expect: .none),
                Step(at: 60, breached: nil, expect: .resolved(silence: 60)),
            ]
        ),
        (
            "a firing series that comes back keeps firing", .init(hold: .immediately, staleAfter: .seconds(60)),
            [
                Step(at: 0, breached: true, expect: .fired),
                Step(at: 30, breached: nil, expect: .none),
                Step(at: 40, breached: true, expect: .none),
                Step(at: 90, breached: nil, expect: .none),
            ]
        ),
    ]

    @Test("transition table", arguments: cases.indices)
    func table(index: Int) {
        let (_, timing, steps) = Self.cases[index]
        Self.run(timing, steps)
    }
}
