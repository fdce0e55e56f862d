import HeadroomCollectors
import HeadroomCore

/// The supervised child as samples: `child_up`, `child_restarts_total`, and
/// `child_crashes_total` (its detail says how it ended and its last stderr lines, which the
/// built-in `child_crashed` rule puts into the alert), and `child_cuda_oom_total`: stderr
/// lines saying CUDA ran out of memory (an incident in the history, with the line as detail).
struct ChildCollector: Collector {
    let state: ChildState
    var name: String { "child" }

    func collect() throws(CollectorError) -> [Sample] {
        let values = state.snapshot
        let labels: Labels = ["command": state.command]
        var detail: String?
        if let termination = values.lastTermination, termination.isFailure {
            let tail = values.tail.text.filter { !$0.isEmpty }.suffix(5)
            detail = termination.description + (tail.isEmpty ? "" : "; last stderr: " + tail.joined(separator: " | "))
        }
        return [
            Sample("child_up", labels, values.running ? 1 : 0),
            Sample("child_restarts_total", labels, Double(max(0, values.starts - 1)), kind: .counter),
            Sample("child_crashes_total", labels, Double(values.crashes), kind: .counter, detail: detail),
            Sample(
                "child_cuda_oom_total", labels, Double(values.outOfMemoryLines), kind: .counter,
                detail: values.tail.lastWatchedLine ?? values.lastOutOfMemoryLine),
        ]
    }
}
