import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomServer

/// Puts the daemon's own delivery and push counters on `/metrics` (the server's
/// delivery-metrics seam): attempts, successes, failures by reason, digests, silenced,
/// outbox depth, the age of the oldest pending notification and the outbox's writes waiting
/// for its disk, then the push counters.
struct DaemonMetricsSource: DeliveryMetricsSource {
    let pipeline: DeliveryPipeline
    let push: PushService?
    let now: @Sendable () -> Date

    func deliverySamples() async -> [Sample] {
        let metrics = await pipeline.metrics(at: now())
        var out: [Sample] = []
        for (channel, statistics) in metrics.channels.sorted(by: { $0.key < $1.key }) {
            let labels: Labels = ["channel": channel]
            out.append(Sample("delivery_attempts_total", labels, Double(statistics.attempts), kind: .counter))
            out.append(Sample("delivery_successes_total", labels, Double(statistics.successes), kind: .counter))
            for reason in ["retryable", "permanent", "expired", "dropped"] {
                out.append(
                    Sample(
                        "delivery_failures_total", ["channel": channel, "reason": reason],
                        Double(statistics.failuresByReason[reason] ?? 0), kind: .counter))
            }
            out.append(Sample("delivery_digests_total", labels, Double(statistics.digests), kind: .counter))
            out.append(Sample("delivery_silenced_total", labels, Double(statistics.silenced), kind: .counter))
        }
        out.append(Sample("delivery_outbox_pending", .none, Double(metrics.outboxDepth)))
        out.append(Sample("delivery_outbox_oldest_age_seconds", .none, metrics.oldestPendingAge ?? 0))
        out.append(Sample("delivery_outbox_writes_waiting", .none, Double(metrics.writesWaiting)))
        out += await push?.samples() ?? []
        return out
    }
}
