import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// The recipes in deploy/, checked with the real tools: kubernetes-validate (PyPI, schemas
    /// bundled, offline), promtool check/test, and the dashboard against a real /metrics page.
    @Suite("Deployment recipes")
    struct DeployTests {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("deploy")

        static func text(_ path: String) throws -> String {
            try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        }

        @Test("Kubernetes manifests validate strictly against the bundled Kubernetes schemas; the ServiceMonitor matches the Service")
        func kubernetes() async throws {
            let python = try TestPeer.python(importing: "kubernetes_validate", package: "kubernetes-validate==1.37.0")
            let directory = try TemporaryDirectory()
            let files = ["daemonset.yaml", "sidecar.yaml", "service.yaml", "hpa.yaml", "prometheus-adapter-rules.yaml"]
            let run = try ExternalProcess(
                python, ["-m", "kubernetes_validate", "--strict"] + files.map { Self.root.appendingPathComponent("kubernetes/\($0)").path },
                directory: directory.url)
            #expect(try await run.wait() == 0, "\(run.log)")
            for kind in [
                "daemonset/headroom", "deployment/facefusion", "secret/headroom", "service/facefusion-headroom",
                "horizontalpodautoscaler/facefusion", "configmap/prometheus-adapter",
            ] {
                #expect(run.log.contains("passed for resource \(kind)"), "\(kind):\n\(run.log)")
            }
            // A CRD: no schema ships with the validator, so cross-check it against the Service by hand.
            let monitor = try Self.text("kubernetes/servicemonitor.yaml")
            let service = try Self.text("kubernetes/service.yaml")
            #expect(monitor.contains("apiVersion: monitoring.coreos.com/v1") && monitor.contains("kind: ServiceMonitor"))
            #expect(monitor.contains("matchLabels: {app.kubernetes.io/component: headroom}") && service.contains("app.kubernetes.io/component: headroom"))
            #expect(monitor.contains("- port: metrics") && service.contains("{name: metrics, port: 19400"))
            // The pieces agree: readiness probe on the gate, host mode, the HPA metric the adapter rule makes.
            let sidecar = try Self.text("kubernetes/sidecar.yaml")
            #expect(sidecar.contains("httpGet: {path: /readyz, port: 19400}"))
            let daemonset = try Self.text("kubernetes/daemonset.yaml")
            #expect(daemonset.contains("hostPID: true") && daemonset.contains("path: /proc") && daemonset.contains("path: /sys"))
            #expect(try Self.text("kubernetes/hpa.yaml").contains("metric: {name: gpu_memory_used_percent}"))
            let adapter = try Self.text("kubernetes/prometheus-adapter-rules.yaml")
            #expect(adapter.contains(#"matches: "^headroom_(.*)$""#) && adapter.contains("headroom_gpu_memory_used_percent"))
        }

        @Test("promtool: the scrape config and the rules check, and the rules fire as the built-ins do (promtool test rules)")
        func prometheus() async throws {
            let promtool = try TestPeer.path("promtool", package: "prometheus")
            let directory = try TemporaryDirectory()
            let folder = Self.root.appendingPathComponent("prometheus")
            for arguments in [
                ["check", "config", folder.appendingPathComponent("prometheus.yml").path],
                ["check", "rules", folder.appendingPathComponent("headroom-rules.yml").path],
                ["test", "rules", folder.appendingPathComponent("headroom-rules.test.yml").path],
            ] {
                let check = try ExternalProcess(promtool, arguments, directory: directory.url)
                #expect(try await check.wait() == 0, "promtool \(arguments.joined(separator: " ")):\n\(check.log)")
            }
            // Every built-in rule has its Prometheus twin.
            let rules = try Self.text("prometheus/headroom-rules.yml")
            for name in [
                "gpu_memory_high", "gpu_memory_critical", "cpu_overload", "memory_high", "memory_critical", "container_memory_high",
                "container_memory_critical", "container_oom_kill", "container_cpu_throttled", "memory_pressure", "memory_pressure_stall",
                "gpu_memory_leak", "memory_leak", "gpu_lost", "gpu_driver_failed", "gpu_temperature_near_slowdown",
                "gpu_thermal_throttling", "gpu_power_throttling", "gpu_hardware_slowdown", "gpu_xid_hardware", "gpu_xid_application",
                "gpu_ecc_uncorrectable", "gpu_row_remap_failed", "child_crashed", "collector_failed", "collector_stalled",
            ] {
                #expect(rules.contains("- alert: \(name)\n"), "\(name)")
            }
        }

        @Test("the Grafana dashboard is valid JSON and every metric it queries is on a real /metrics page")
        func grafana() async throws {
            let data = try Data(contentsOf: Self.root.appendingPathComponent("grafana/headroom-dashboard.json"))
            let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let panels = try #require(dashboard["panels"] as? [[String: Any]])
            let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
            #expect(expressions.count >= 10)
            let regex = try NSRegularExpression(pattern: #"\b(headroom_[a-z0-9_]+|process_[a-z_]+)"#)
            let names = Set(
                expressions.flatMap { expression in
                    regex.matches(in: expression, range: NSRange(expression.startIndex..., in: expression)).compactMap {
                        Range($0.range, in: expression).map { String(expression[$0]) }
                    }
                })
            let directory = try TemporaryDirectory()
            let fake = try FakeNVML(scenario: PrometheusScrapeTests.scenario + "\npname 4242 python3\ngpu 0 procs 4242:1073741824\n")
            let (daemon, port) = try await PrometheusScrapeTests.startHeadroom(
                directory, fake,
                yaml: """
                    interval: 500ms
                    collectors: {disabled: [load, pressure, amdgpu]}
                    channels: []
                    """)
            // Two rounds: rates such as cpu_used_percent need a previous sample.
            let fetched: String? = try await poll("a page with derived rates") { () async -> String? in
                guard let (_, body) = await httpGet("http://127.0.0.1:\(port)/metrics"), body.contains("headroom_cpu_used_percent ") else { return nil }
                return body
            }
            daemon.signal(SIGTERM)
            _ = try await daemon.wait()
            let page = try #require(fetched)
            for name in names.sorted() where name != "headroom_alerts" {
                #expect(page.contains("\n\(name){") || page.contains("\n\(name) "), "\(name) is not exposed")
            }
            #expect(page.contains("# TYPE headroom_alerts gauge"))
        }
    }
}
