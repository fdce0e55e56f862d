import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import Testing

@Suite("Server settings and the readiness gate key")
struct ServerSettingsTests {
    @Test("defaults: enabled, loopback on 19400, no token, not insecure")
    func defaults() throws {
        let server = try configuration(nil).server
        #expect(server == ServerSettings(enabled: true, listen: ListenAddress(host: "127.0.0.1", port: 19400), token: nil, insecure: false))
    }

    @Test("server keys from the file and from HEADROOM_SERVER_* variables")
    func keys() throws {
        let file = try configuration("server: {listen: '[::1]:9999', token: 0123456789abcdef0123}\n")
        #expect(file.server.listen == ListenAddress(host: "::1", port: 9999))
        #expect(file.server.token == Secret("0123456789abcdef0123"))
        let env = try configuration(
            nil,
            environment: [
                "HEADROOM_SERVER_LISTEN": "0.0.0.0:19500", "HEADROOM_SERVER_INSECURE": "true", "HEADROOM_SERVER_ENABLED": "false",
            ])
        #expect(env.server == ServerSettings(enabled: false, listen: ListenAddress(host: "0.0.0.0", port: 19500), insecure: true))
    }

    @Test("a non-loopback listen without a token or insecure: true is refused, naming both remedies")
    func exposed() {
        let found = issues("server: {listen: ':19400'}\n")
        let problem = issue(at: "server.listen", in: found)
        #expect(problem?.message.contains("server.token") == true)
        #expect(problem?.message.contains("insecure: true") == true)
        let fromEnv = issues(nil, environment: ["HEADROOM_SERVER_LISTEN": "10.1.2.3:19400"])
        #expect(!fromEnv.isEmpty)
    }

    @Test("bad listen addresses, short tokens and unknown keys are problems")
    func invalid() {
        #expect(issue(at: "server.listen", in: issues("server: {listen: 19400}\n"))?.message.contains("host:port") == true)
        #expect(issue(at: "server.token", in: issues("server: {token: short}\n"))?.message.contains("16 characters") == true)
        #expect(!issues("server: {port: 1}\n").isEmpty)
    }

    @Test("tls: both files from the file or HEADROOM_SERVER_TLS_*; a client CA makes a non-loopback listen acceptable without a token")
    func tls() throws {
        let file = try configuration("server: {tls: {cert_file: /etc/headroom/tls.crt, key_file: /etc/headroom/tls.key}}\n")
        #expect(file.server.tls == ServerTLSSettings(certificateFile: "/etc/headroom/tls.crt", keyFile: "/etc/headroom/tls.key"))
        let env = try configuration(
            nil,
            environment: [
                "HEADROOM_SERVER_LISTEN": ":19400",
                "HEADROOM_SERVER_TLS_CERT_FILE": "/run/tls/tls.crt", "HEADROOM_SERVER_TLS_KEY_FILE": "/run/tls/tls.key",
                "HEADROOM_SERVER_TLS_CLIENT_CA_FILE": "/run/tls/ca.crt",
            ])
        #expect(env.server.tls == ServerTLSSettings(certificateFile: "/run/tls/tls.crt", keyFile: "/run/tls/tls.key", clientCAFile: "/run/tls/ca.crt"))
        #expect(env.server.exposureProblem == nil)
        // TLS alone encrypts but does not say who may read: still a token or client certificates.
        #expect(issue(at: "server.listen", in: issues("server: {listen: ':19400', tls: {cert_file: /a.crt, key_file: /a.key}}\n")) != nil)
        #expect(try configuration("server: {tls: {}}\n").server.tls == nil)
    }

    @Test("token_file: an absolute path from the file or HEADROOM_SERVER_TOKEN_FILE, instead of token; it satisfies a non-loopback listen")
    func tokenFile() throws {
        let file = try configuration("server: {listen: ':19400', token_file: /run/secrets/headroom-token}\n")
        #expect(file.server.token == .file("/run/secrets/headroom-token"))
        let env = try configuration(nil, environment: ["HEADROOM_SERVER_TOKEN_FILE": "/run/secrets/t"])
        #expect(env.server.token == .file("/run/secrets/t"))
        #expect(ConfigurationRenderer.yaml(file).contains("  token_file: "))
        #expect(try configuration(ConfigurationRenderer.yaml(file)) == file)
        let both = issues("server: {token: 0123456789abcdef0123, token_file: /t}\n")
        #expect(issue(at: "server.token_file", in: both)?.message.contains("not both") == true)
        #expect(issue(at: "server.token_file", in: issues("server: {token_file: token.txt}\n"))?.message.contains("absolute path") == true)
    }

    @Test("tls problems: a missing half, relative paths, unknown keys")
    func tlsProblems() {
        let half = issues("server:\n  tls:\n    cert_file: /etc/headroom/tls.crt\n")
        #expect(issue(at: "server.tls.key_file", in: half)?.message.contains("both tls.cert_file") == true)
        #expect(issue(at: "server.tls.key_file", in: half)?.line == 3)
        let relative = issues("server: {tls: {cert_file: tls.crt, key_file: /k}}\n")
        #expect(issue(at: "server.tls.cert_file", in: relative)?.message.contains("absolute path") == true)
        let unknown = issues("server: {tls: {cert: /c, key_file: /k}}\n")
        #expect(issue(at: "server.tls.cert", in: unknown)?.suggestion?.contains("cert_file") == true)
    }

    @Test("gate: built-in critical GPU and container memory gate; any rule can, from the file or HEADROOM_RULES_<NAME>_GATE")
    func gate() throws {
        let defaults = try configuration(nil).rules
        #expect(Set(defaults.filter(\.gate).map(\.name)) == ["gpu_memory_critical", "container_memory_critical"])
        let file = try configuration("rules:\n  - {name: gpu_memory_high, metric: gpu_memory_used_percent, at_least: 80, gate: true}\n")
        #expect(file.rules.first { $0.name == "gpu_memory_high" }?.gate == true)
        let env = try configuration(nil, environment: ["HEADROOM_RULES_GPU_MEMORY_CRITICAL_GATE": "false", "HEADROOM_RULES_MEMORY_CRITICAL_GATE": "true"])
        #expect(env.rules.first { $0.name == "gpu_memory_critical" }?.gate == false)
        #expect(env.rules.first { $0.name == "memory_critical" }?.gate == true)
    }

    @Test("config show renders the server section (token as <secret>) and gate: true, and loads back")
    func rendering() throws {
        let original = try configuration(
            "server: {listen: '127.0.0.1:19401', token: 0123456789abcdef0123, tls: {cert_file: /t/c.pem, key_file: /t/k.pem, client_ca_file: /t/ca.pem}}\n")
        let text = ConfigurationRenderer.yaml(original)
        #expect(
            text.contains("server:\n  enabled: true\n  listen: \"127.0.0.1:19401\"\n  token: \"<secret>\"\n  insecure: false\n")
                || text.contains("server:\n  enabled: true\n  listen: 127.0.0.1:19401\n  token: \"<secret>\"\n  insecure: false\n"))
        #expect(
            text.contains("  tls:\n    cert_file: /t/c.pem\n    key_file: /t/k.pem\n    client_ca_file: /t/ca.pem\n")
                || text.contains("  tls:\n    cert_file: \"/t/c.pem\"\n    key_file: \"/t/k.pem\"\n    client_ca_file: \"/t/ca.pem\"\n"))
        #expect(!text.contains("0123456789abcdef0123"))
        #expect(text.contains("  - name: gpu_memory_critical") && text.contains("    gate: true"))
        // The secret itself comes back from the environment, as it would in production.
        #expect(try configuration(text, environment: ["HEADROOM_SERVER_TOKEN": "0123456789abcdef0123"]) == original)
    }
}

@Suite("Push settings")
struct PushSettingsTests {
    @Test("off by default; a url switches it on; every key from the file and HEADROOM_PUSH_*; config show renders it, token redacted")
    func keys() throws {
        #expect(try configuration(nil).push.enabled == false)
        let file = try configuration(
            """
            push: {url: 'http://127.0.0.1:8428', protocol: influx_v2, org: acme, bucket: gpus, token: secret-token, interval: 5s,
                   batch_size: 100, buffer_size: 1000, gzip: false, timeout: 2s}
            """)
        #expect(
            file.push
                == PushSettings(
                    enabled: true, url: "http://127.0.0.1:8428", protocol: .influxV2, org: "acme", bucket: "gpus",
                    token: Secret("secret-token"), interval: .seconds(5), batchSize: 100, bufferSize: 1000, gzip: false,
                    timeout: .seconds(2)))
        let env = try configuration(nil, environment: ["HEADROOM_PUSH_URL": "http://vm:8428", "HEADROOM_PUSH_BUFFER_SIZE": "50"])
        #expect(env.push.enabled && env.push.url == "http://vm:8428" && env.push.bufferSize == 50)
        let text = ConfigurationRenderer.yaml(file)
        #expect(text.contains("push:\n  enabled: true\n") && text.contains("  token: \"<secret>\"") && !text.contains("secret-token"))
        #expect(try configuration(text, environment: ["HEADROOM_PUSH_TOKEN": "secret-token"]) == file)
    }

    @Test("https with push.tls: from the file or HEADROOM_PUSH_TLS_*, rendered and read back")
    func tls() throws {
        let file = try configuration(
            "push: {url: 'https://vm:8428', tls: {ca_file: /etc/ca.pem, cert_file: /etc/c.pem, key_file: /etc/k.pem}}\n")
        #expect(file.push.url == "https://vm:8428")
        #expect(file.push.tls == TLSSettings(caFile: "/etc/ca.pem", clientCertificateFile: "/etc/c.pem", clientKeyFile: "/etc/k.pem"))
        let text = ConfigurationRenderer.yaml(file)
        #expect(text.contains("\n  tls: {ca_file: "), "\(text)")
        #expect(try configuration(text) == file)
        let env = try configuration(nil, environment: ["HEADROOM_PUSH_URL": "https://vm:8428", "HEADROOM_PUSH_TLS_CA_FILE": "/etc/ca.pem"])
        #expect(env.push.tls == TLSSettings(caFile: "/etc/ca.pem"))
    }

    @Test("another scheme, a client certificate without its key, a missing url and influx_v2 without org are problems")
    func invalid() {
        #expect(issue(at: "push.url", in: issues("push: {url: 'ftp://vm:8428'}\n"))?.message.contains("https://") == true)
        #expect(issue(at: "push.tls", in: issues("push: {url: 'https://vm:8428', tls: {cert_file: /c.pem}}\n")) != nil)
        #expect(!issues("push: {enabled: true}\n").isEmpty)
        #expect(!issues("push: {url: 'http://x:1', protocol: influx_v2}\n").isEmpty)
    }
}

@Suite("Limits")
struct LimitsSettingsTests {
    @Test("limits.max_series: default 50,000, from the file or HEADROOM_LIMITS_MAX_SERIES, bounded")
    func maxSeries() throws {
        #expect(try ConfigurationLoader.load(yaml: nil, source: "default", environment: [:]).get().configuration.policy.maxSeries == 50_000)
        #expect(try ConfigurationLoader.load(yaml: "limits: {max_series: 2000}", source: "t", environment: [:]).get().configuration.policy.maxSeries == 2000)
        #expect(
            try ConfigurationLoader.load(yaml: nil, source: "t", environment: ["HEADROOM_LIMITS_MAX_SERIES": "300"]).get()
                .configuration.policy.maxSeries == 300)
        guard case .failure(let errors) = ConfigurationLoader.load(yaml: "limits: {max_series: 5}", source: "t", environment: [:]) else {
            Issue.record("max_series: 5 was accepted")
            return
        }
        #expect(errors.description.contains("limits.max_series"), "\(errors.description)")
    }
}
