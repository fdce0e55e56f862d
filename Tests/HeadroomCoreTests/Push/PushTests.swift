import Foundation
import HeadroomCore
import Testing

@Suite("Push: line protocol, buffer, outcomes")
struct PushCoreTests {
    @Test("one line per finite sample: measurement headroom, labels and host as escaped tags, the metric as field, ns timestamp")
    func lines() {
        let samples = [
            Sample("gpu_memory_used_bytes", ["gpu": "0", "name": "NVIDIA L4"], 1024),
            Sample("cpu_used_percent", .none, 12.5),
            Sample("broken", .none, .nan),
        ]
        let lines = InfluxLineProtocol.lines(samples, time: Date(timeIntervalSince1970: 1_800_000_000.1234), host: "gpu,01")
        #expect(
            lines == [
                #"headroom,gpu=0,host=gpu\,01,name=NVIDIA\ L4 gpu_memory_used_bytes=1024 1800000000123000000"#,
                #"headroom,host=gpu\,01 cpu_used_percent=12.5 1800000000123000000"#,
            ])
    }

    @Test("the buffer drops the oldest lines beyond its capacity and counts them; a batch stays until acknowledged")
    func buffer() {
        var buffer = PushBuffer(capacity: 5)
        #expect(buffer.append(["1", "2", "3"]) == 0)
        #expect(buffer.append(["4", "5", "6", "7"]) == 2)
        #expect(buffer.droppedTotal == 2 && buffer.count == 5)
        #expect(buffer.batch(maximum: 2).lines == ["3", "4"])
        let batch = buffer.batch(maximum: 2)
        #expect(batch.lines == ["3", "4"], "not removed by reading")
        buffer.acknowledge(through: batch.end)
        #expect(buffer.batch(maximum: 10).lines == ["5", "6", "7"])
        for round in 0..<10_000 { buffer.append(["r\(round)"]) }
        #expect(buffer.count == 5 && buffer.batch(maximum: 1).lines == ["r9995"])
    }

    @Test("a batch acknowledged after lines were dropped for room and others appended removes only what it sent")
    func acknowledgeAfterOverflow() {
        var buffer = PushBuffer(capacity: 4)
        buffer.append(["1", "2", "3", "4"])
        let inFlight = buffer.batch(maximum: 2)
        #expect(inFlight.lines == ["1", "2"])
        // While it is sent: three more lines, so "1", "2" and "3" are dropped for room.
        #expect(buffer.append(["5", "6", "7"]) == 3)
        buffer.acknowledge(through: inFlight.end)
        #expect(buffer.batch(maximum: 10).lines == ["4", "5", "6", "7"])
        // Far past compaction, positions stay right.
        for round in 0..<10_000 {
            buffer.append(["r\(round)"])
            let sent = buffer.batch(maximum: 1)
            buffer.append(["s\(round)"])
            buffer.acknowledge(through: sent.end)
        }
        #expect(buffer.count == 4 && buffer.droppedTotal > 0)
        #expect(buffer.batch(maximum: 10).lines.last == "s9999")
    }

    @Test(
        "2xx delivers, 408/429/5xx and no answer retry, other 4xx reject",
        arguments: [
            (Optional(204), PushOutcome.delivered), (200, .delivered), (nil, .retry), (429, .retry), (503, .retry), (408, .retry),
            (400, .rejected), (401, .rejected), (404, .rejected),
        ])
    func outcomes(status: Int?, outcome: PushOutcome) {
        #expect(PushOutcome.classify(status: status) == outcome)
    }

    @Test("write URLs and authorization per protocol")
    func urls() {
        #expect(PushSettings(url: "http://vm:8428/", protocol: .victoriaMetrics).writeURL == "http://vm:8428/write")
        #expect(
            PushSettings(url: "http://influx:8086", protocol: .influxV1, database: "gpu farm").writeURL
                == "http://influx:8086/write?db=gpu%20farm&precision=ns")
        let v2 = PushSettings(url: "http://influx:8086", protocol: .influxV2, org: "acme", bucket: "nodes", token: Secret("t0k"))
        #expect(v2.writeURL == "http://influx:8086/api/v2/write?org=acme&bucket=nodes&precision=ns")
        #expect(v2.authorizationHeader == "Token t0k")
    }
}
