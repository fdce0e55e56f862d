import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// A real Prometheus (Debian's `prometheus`, installed by .ci/run) scrapes the real
    /// `headroom` binary, which reads the fake NVML GPU through the dynamic loader.
    @Suite("Prometheus scrapes Headroom")
    struct PrometheusScrapeTests {
        static let scenario = """
            gpus 1
            gpu 0 name NVIDIA L4
            gpu 0 uuid GPU-5eed
            gpu 0 bus 00000000:01:00.0
            gpu 0 total 25769803776
            gpu 0 used 12884901888
            """
        static let yaml = """
            interval: 1s
            hostname: gpu-node-7
            collectors:
              disabled: [cpu, load, pressure, amdgpu]
            channels: []
            """

        /// Starts headroom with the fake GPU; returns it and its port.
        static func startHeadroom(
            _ directory: borrowing TemporaryDirectory, _ fake: FakeNVML, yaml: String = yaml,
            scheme: String = "http"
        ) async throws -> (HeadroomProcess, Int) {
            let config = try directory.write("headroom.yaml", yaml)
            let daemon = try HeadroomProcess(["run", "--config", config], environment: ["LD_LIBRARY_PATH": fake.directory])
            let serving = "serving \(scheme)://127.0.0.1:"
            try await daemon.waitFor("the serving line") { _, err in err.contains(serving) }
            let line = daemon.stderr.split(separator: "\n").first { $0.contains(serving) } ?? ""
            guard let port = line.split(separator: "127.0.0.1:").last?.split(separator: "/").first.flatMap({ Int($0) }) else {
                throw SetupError(message: "no port in the serving line:\n\(daemon.stderr)")
            }
            return (daemon, port)
        }

        struct SetupError: Error { var message: String }

        /// Starts Prometheus scraping `target` every second; returns it and its web port once ready.
        static func startPrometheus(
            scraping target: Int, _ directory: borrowing TemporaryDirectory, every interval: String = "1s"
        ) async throws -> (ExternalProcess, Int) {
            let prometheus = try TestPeer.path("prometheus", package: "prometheus")
            let webPort = try freeLoopbackPort()
            let config = try directory.write(
                "prometheus.yml",
                """
                global: {scrape_interval: \(interval), evaluation_interval: 1s}
                scrape_configs:
                  - job_name: headroom
                    static_configs: [{targets: ["127.0.0.1:\(target)"]}]
                """)
            let server = try ExternalProcess(
                prometheus,
                ["--config.file=\(config)", "--storage.tsdb.path=\(directory.path("tsdb"))", "--web.listen-address=127.0.0.1:\(webPort)"],
                directory: directory.url)
            let ready = try await poll("Prometheus ready") { await httpGet("http://127.0.0.1:\(webPort)/-/ready")?.status == 200 ? true : nil }
            #expect(ready == true, "\(server.log.suffix(2000))")
            return (server, webPort)
        }

        /// The series of a range query (`query_range`) on `port`: labels and (seconds, value) points.
        static func range(_ promql: String, port: Int, start: Double, end: Double) async -> [(labels: [String: String], points: [(Double, Double)])]? {
            let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
            guard let (status, body) = await httpGet("http://127.0.0.1:\(port)/api/v1/query_range?query=\(encoded)&start=\(start)&end=\(end)&step=1"),
                status == 200, let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let data = json["data"] as? [String: Any], data["resultType"] as? String == "matrix",
                let result = data["result"] as? [[String: Any]]
            else { return nil }
            return result.map { series in (series["metric"] as? [String: String] ?? [:], points(series["values"])) }
        }

        /// A matrix series' `values`: `[time, "value"]` pairs.
        static func points(_ values: Any?) -> [(Double, Double)] {
            (values as? [[Any]] ?? []).compactMap { pair -> (Double, Double)? in
                guard let time = (pair.first as? NSNumber)?.doubleValue, let value = (pair.last as? String).flatMap(Double.init) else { return nil }
                return (time, value)
            }
        }

        /// The series of an instant query through Prometheus' HTTP API, or nil while it has none.
        static func query(_ promql: String, port: Int) async -> [[String: Any]]? {
            let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
            guard let (status, body) = await httpGet("http://127.0.0.1:\(port)/api/v1/query?query=\(encoded)"), status == 200,
                let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]], !result.isEmpty
            else { return nil }
            return result
        }

        /// A series' sample value.
        static func value(_ series: [String: Any]) -> Double? {
            ((series["value"] as? [Any])?.last as? String).flatMap(Double.init)
        }

        @Test("a PromQL query through Prometheus' API returns the GPU memory, under headroom_ and dcgm-exporter names")
        func scrape() async throws {
            let directory = try TemporaryDirectory()
            let fake = try FakeNVML(scenario: Self.scenario)
            let (daemon, port) = try await Self.startHeadroom(directory, fake)
            let (server, webPort) = try await Self.startPrometheus(scraping: port, directory)

            func query(_ promql: String) async -> [[String: Any]]? { await Self.query(promql, port: webPort) }
            func value(_ series: [String: Any]) -> Double? { Self.value(series) }

            let used = try await poll("headroom_gpu_memory_used_bytes in Prometheus") { await query("headroom_gpu_memory_used_bytes") }
            let dcgm = try await poll("DCGM_FI_DEV_FB_USED in Prometheus") { await query(#"DCGM_FI_DEV_FB_USED{gpu="0"}"#) }
            let up = try await poll("up") { await query(#"up{job="headroom"}"#) }
            try await server.stop()
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)

            #expect(used.flatMap { $0.first }.flatMap(value) == 12_884_901_888)
            let series = try #require(dcgm?.first)
            #expect(value(series) == 12_288, "MiB")
            let labels = try #require(series["metric"] as? [String: String])
            #expect(labels["UUID"] == "GPU-5eed" && labels["device"] == "nvidia0" && labels["modelName"] == "NVIDIA L4")
            #expect(labels["pci_bus_id"] == "00000000:01:00.0" && labels["Hostname"] == "gpu-node-7")
            #expect(labels["instance"] == "127.0.0.1:\(port)" && labels["job"] == "headroom")
            #expect(up.flatMap { $0.first }.flatMap(value) == 1, "\(server.log.suffix(2000))")
        }

        @Test("the history API answers a range query as a real Prometheus scraping the same binary: the same series, values within one interval")
        func historyMatchesPrometheus() async throws {
            let directory = try TemporaryDirectory()
            // GPU memory steps every 700 ms, so each second of the window has a value of its own.
            var lines = [Self.scenario, "auto_step_ms 700"]
            for step in 1...200 { lines.append("at \(step) gpu 0 used \(12_884_901_888 + step * 104_857_600)") }
            let fake = try FakeNVML(scenario: lines.joined(separator: "\n") + "\n")
            let (daemon, port) = try await Self.startHeadroom(directory, fake)
            // Scraped four times a round, so every round Headroom sampled is among Prometheus'
            // raw samples even when a scrape comes late (at 1 s, two scrapes in one second of
            // the step grid hid a round from the 1 s steps).
            let (server, webPort) = try await Self.startPrometheus(scraping: port, directory, every: "250ms")
            let name = "headroom_gpu_memory_used_bytes"
            // Ten seconds of scrapes, then the window that both have whole.
            let enough = try await poll("ten scrapes in Prometheus", timeout: .seconds(60)) { () async -> Double? in
                let now = Date().timeIntervalSince1970
                guard let series = await Self.range(name, port: webPort, start: now - 30, end: now), let points = series.first?.points,
                    points.count >= 10, let first = points.first?.0
                else { return nil }
                return first
            }
            let start = (try #require(enough)).rounded(.up) + 2
            let end = start + 6
            // Prometheus one step beyond the window on each side, once it has scraped past it.
            let prometheus = try #require(
                try await poll("Prometheus past the window") { () async -> [(labels: [String: String], points: [(Double, Double)])]? in
                    guard let series = await Self.range(name, port: webPort, start: start - 1, end: end + 1),
                        series.first?.points.last?.0 == end + 1
                    else { return nil }
                    return series
                })
            let headroom = try #require(await Self.range(name, port: port, start: start, end: end))
            // Every sample Prometheus scraped around the window (a range vector: raw, no steps).
            let encoded = "\(name)[20s]".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
            let raw = await httpGet("http://127.0.0.1:\(webPort)/api/v1/query?query=\(encoded)&time=\(end + 2)")
            let rawSeries = (try? JSONSerialization.jsonObject(with: Data((raw?.body ?? "").utf8)) as? [String: Any])
                .flatMap { $0["data"] as? [String: Any] }.flatMap { $0["result"] as? [[String: Any]] }
            let scrapedRaw = Self.points(rawSeries?.first?["values"])
            try await server.stop()
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)

            #expect(prometheus.count == 1 && headroom.count == 1, "one GPU: \(prometheus.count) and \(headroom.count) series")
            let scraped = try #require(prometheus.first)
            let recorded = try #require(headroom.first)
            #expect(recorded.labels == scraped.labels.filter { $0.key != "instance" && $0.key != "job" })
            #expect(recorded.points.map(\.0) == scraped.points.map(\.0).filter { $0 >= start && $0 <= end }, "the same steps")
            // Each step's value is one Prometheus scraped within one interval (1 s) of the step.
            #expect(scrapedRaw.count >= 20, "raw samples: \(scrapedRaw.count)")
            for (time, value) in recorded.points {
                let near = scrapedRaw.filter { abs($0.0 - time) <= 1 }.map(\.1)
                #expect(near.contains(value), "at \(time): Headroom \(value), Prometheus \(near)")
            }
        }

        @Test("over mutual TLS: Prometheus scrapes with its CA file and client certificate, and reads the GPU memory")
        func scrapeOverTLS() async throws {
            let prometheus = try TestPeer.path("prometheus", package: "prometheus")
            let tls = try await TLSFixture.shared.get()
            let directory = try TemporaryDirectory()
            let fake = try FakeNVML(scenario: Self.scenario)
            let (daemon, port) = try await Self.startHeadroom(
                directory, fake,
                yaml: Self.yaml + """

                    server:
                      listen: 127.0.0.1:0
                      tls: {cert_file: \(tls.serverCertificate), key_file: \(tls.serverKey), client_ca_file: \(tls.caCertificate)}
                    """, scheme: "https")
            let webPort = try freeLoopbackPort()
            let prometheusConfig = try directory.write(
                "prometheus.yml",
                """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: headroom
                    scheme: https
                    tls_config: {ca_file: \(tls.caCertificate), cert_file: \(tls.clientCertificate), key_file: \(tls.clientKey)}
                    static_configs: [{targets: ["127.0.0.1:\(port)"]}]
                  - job_name: no-client-certificate
                    scheme: https
                    tls_config: {ca_file: \(tls.caCertificate)}
                    static_configs: [{targets: ["127.0.0.1:\(port)"]}]
                """)
            let server = try ExternalProcess(
                prometheus,
                [
                    "--config.file=\(prometheusConfig)", "--storage.tsdb.path=\(directory.path("tsdb"))",
                    "--web.listen-address=127.0.0.1:\(webPort)",
                ], directory: directory.url)
            func query(_ promql: String) async -> Double? {
                await Self.query(promql, port: webPort).flatMap { $0.first }.flatMap(Self.value)
            }
            let used = try await poll("headroom_gpu_memory_used_bytes over TLS") { await query("headroom_gpu_memory_used_bytes") }
            let refused = try await poll("the scrape without a client certificate") { await query(#"up{job="no-client-certificate"}"#) }
            try await server.stop()
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            #expect(used == 12_884_901_888, "\(server.log.suffix(2000))")
            #expect(refused == 0, "a scrape without a client certificate must fail")
        }

        @Test("the binary refuses to start with a TLS key that is not the certificate's, naming both files; exit 2")
        func unusableTLS() async throws {
            let tls = try await TLSFixture.shared.get()
            let directory = try TemporaryDirectory()
            let config = try directory.write(
                "headroom.yaml",
                Self.yaml + """

                    server: {listen: 127.0.0.1:0, tls: {cert_file: \(tls.serverCertificate), key_file: \(tls.clientKey)}}
                    """)
            let daemon = try HeadroomProcess(["run", "--config", config])
            #expect(try await daemon.wait() == 2)
            #expect(
                daemon.stderr.contains("headroom: server.tls: \(tls.serverCertificate) and \(tls.clientKey) cannot be used together"),
                "\(daemon.stderr)")
        }

        @Test("promtool check metrics finds nothing but the names kept for compatibility")
        func promtoolLint() async throws {
            let promtool = try TestPeer.path("promtool", package: "prometheus")
            let directory = try TemporaryDirectory()
            let fake = try FakeNVML(scenario: Self.scenario)
            let (daemon, port) = try await Self.startHeadroom(directory, fake)
            let fetched: String? = try await poll("a page with GPU series") { () async -> String? in
                guard let (status, body) = await httpGet("http://127.0.0.1:\(port)/metrics"), status == 200, body.contains("DCGM_FI_DEV_FB_USED")
                else { return nil }
                return body
            }
            daemon.signal(SIGTERM)
            _ = try await daemon.wait()
            let page = try #require(fetched)
            let check = try ExternalProcess(promtool, ["check", "metrics"], directory: directory.url, stdin: page)
            let status = try await check.wait()
            // dcgm-exporter's names are upper case with camelCase labels and counters without
            // _total, on purpose; gpu_count, cpu_count and processes_total are existing gauges.
            let intended = ["DCGM_FI_", "headroom_cpu_count ", "headroom_gpu_count ", "headroom_processes_total "]
            let complaints = check.log.split(separator: "\n").filter { line in !intended.contains { line.hasPrefix($0) } }
            #expect(complaints.isEmpty, "promtool (status \(status)):\n\(check.log)")
            #expect(!check.log.contains("error while linting"))
        }
    }
}
