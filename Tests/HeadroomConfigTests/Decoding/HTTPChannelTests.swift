import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Webhook-type channels in the configuration")
struct HTTPChannelTests {
    static let yaml = """
        channels:
          - type: webhook
            url: https://hooks.example.com/in
            format: alertmanager
            headers: {X-Team: infra}
            basic_auth: {username: alice, password: pw-123}
            hmac_secret: hmac-456
            tls: {ca_file: /etc/ca.pem, cert_file: /etc/c.pem, key_file: /etc/c.key}
            timeout: 3s
          - {type: slack, url_file: /run/secrets/slack_url}
          - {type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wk-789"}
          - {type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=dt-1", secret: SECabc, keyword: alert}
          - {type: feishu, name: lark, url: "https://open.feishu.cn/open-apis/bot/v2/hook/fs-2", secret_file: /run/secrets/fs}
        """

    @Test("every webhook-type channel decodes with its settings")
    func decodes() throws {
        let channels = try configuration(Self.yaml).channels
        #expect(channels.map(\.name) == ["webhook", "slack", "wecom", "dingtalk", "lark"])
        guard case .webhook(let webhook) = channels[0].settings else {
            Issue.record("not a webhook")
            return
        }
        #expect(webhook.format == .alertmanager)
        #expect(webhook.endpoint.timeout == .seconds(3))
        #expect(webhook.endpoint.tls == TLSSettings(caFile: "/etc/ca.pem", clientCertificateFile: "/etc/c.pem", clientKeyFile: "/etc/c.key"))
        #expect(webhook.authorization == .basic(username: "alice", password: Secret("pw-123")))
        #expect(webhook.signingSecret == Secret("hmac-456"))
        #expect(webhook.headers == [.init(name: "X-Team", value: Secret("infra"))])
        #expect(channels[1].settings == .slack(SlackConfiguration(endpoint: HTTPEndpoint(url: .file("/run/secrets/slack_url")))))
        #expect(
            channels[3].settings
                == .dingtalk(
                    DingTalkConfiguration(
                        endpoint: HTTPEndpoint(url: Secret("https://oapi.dingtalk.com/robot/send?access_token=dt-1")), secret: Secret("SECabc"),
                        keyword: "alert")))
        #expect(
            channels[4].settings
                == .feishu(
                    FeishuConfiguration(
                        endpoint: HTTPEndpoint(url: Secret("https://open.feishu.cn/open-apis/bot/v2/hook/fs-2")), secret: .file("/run/secrets/fs"))))
    }

    @Test("config show prints <secret> for every secret and the path of *_file ones")
    func redacted() throws {
        let rendered = ConfigurationRenderer.yaml(try configuration(Self.yaml))
        for value in ["hooks.example.com", "pw-123", "hmac-456", "wk-789", "dt-1", "SECabc", "fs-2", "infra"] {
            #expect(!rendered.contains(value), "\(value) leaked")
        }
        #expect(rendered.contains("    url: \"<secret>\""))
        #expect(rendered.contains("    url_file: /run/secrets/slack_url"))
        #expect(rendered.contains("    secret_file: /run/secrets/fs"))
        #expect(rendered.contains("    basic_auth: {username: alice, password: \"<secret>\"}"))
    }

    @Test("environment variables set url and secret of a channel by name")
    func environment() throws {
        let channels = try configuration(
            "channels:\n  - {type: dingtalk, url: \"https://a.example/x\"}",
            environment: [
                "HEADROOM_CHANNELS_DINGTALK_URL": "https://oapi.dingtalk.com/robot/send?access_token=env",
                "HEADROOM_CHANNELS_DINGTALK_SECRET_FILE": "/run/secrets/ding",
            ]
        ).channels
        #expect(
            channels.first?.settings
                == .dingtalk(
                    DingTalkConfiguration(
                        endpoint: HTTPEndpoint(url: Secret("https://oapi.dingtalk.com/robot/send?access_token=env")), secret: .file("/run/secrets/ding"))))
    }

    @Test("a channel added by HEADROOM_CHANNELS alone needs its url from the environment too")
    func enableByEnvironment() throws {
        let channels = try configuration(
            nil,
            environment: [
                "HEADROOM_CHANNELS": "console,slack", "HEADROOM_CHANNELS_SLACK_URL": "https://hooks.slack.com/services/T/B/x",
            ]
        ).channels
        #expect(channels.map(\.settings.type) == ["console", "slack"])
    }

    @Test(
        "plain http to a non-loopback host is refused unless allow_insecure; loopback is fine",
        arguments: [
            ("http://hooks.example.com/x", "", false),
            ("http://hooks.example.com/x", ", allow_insecure: true", true),
            ("http://127.0.0.1:9000/x", "", true),
        ])
    func insecure(url: String, extra: String, loads: Bool) throws {
        let yaml = "channels:\n  - {type: webhook, url: \"\(url)\"\(extra)}"
        if loads {
            _ = try configuration(yaml)
        } else {
            let found = issue(at: "channels[0].url", in: issues(yaml))
            #expect(
                found?.message
                    == "the url uses plain http to hooks.example.com, which is not a loopback address: use https, or set allow_insecure: true on this channel")
        }
    }

    @Test("email: host, security, credentials from a file, several recipients; <secret> in config show; unencrypted only to loopback")
    func email() throws {
        let channels = try configuration(
            """
            channels:
              - {type: email, host: smtp.example.com, username: alerts, password_file: /run/secrets/smtp, from: hr@example.com, to: [a@example.com, b@example.com]}
              - {type: email, host: 127.0.0.1, port: 2525, security: none, from: hr@example.com, to: ops@example.com, username: u, password: s3cret}
            """
        ).channels
        #expect(
            channels[0].settings
                == .email(
                    EmailConfiguration(
                        host: "smtp.example.com", username: "alerts", password: .file("/run/secrets/smtp"),
                        from: "hr@example.com", to: ["a@example.com", "b@example.com"])))
        guard case .email(let second) = channels[1].settings else {
            Issue.record("not email")
            return
        }
        #expect(second.port == 2525 && second.security == .none && second.to == ["ops@example.com"])
        let rendered = ConfigurationRenderer.yaml(
            try configuration(
                "channels:\n  - {type: email, host: 127.0.0.1, security: none, from: a@x.example, to: b@x.example, username: u, password: s3cret}"))
        #expect(!rendered.contains("s3cret"))
        #expect(rendered.contains("    password: \"<secret>\""))
        #expect(
            issue(
                at: "channels[0].security",
                in: issues("channels:\n  - {type: email, host: mail.example.com, security: none, from: a@x.example, to: b@x.example}"))?.message
                == "none sends mail (and any password) unencrypted to mail.example.com, which is not a loopback address: use starttls or tls, or set allow_insecure: true"
        )
    }

    @Test("exec: an argv list with an absolute program, and a timeout")
    func exec() throws {
        let channels = try configuration("channels:\n  - {type: exec, command: [/usr/local/bin/page, --team, gpu], timeout: 3s}").channels
        #expect(channels.first?.settings == .exec(ExecConfiguration(command: ["/usr/local/bin/page", "--team", "gpu"], timeout: .seconds(3))))
        #expect(
            issue(at: "channels[0].command", in: issues("channels:\n  - {type: exec, command: [page]}"))?.message
                == "the program must be an absolute path (it is run directly, not through a shell): page")
    }

    @Test("language and time_zone on any channel; an unknown zone is a problem")
    func languageAndZone() throws {
        let channel = try #require(
            try configuration("channels:\n  - {type: wecom, url: \"https://q.example/x\", language: zh-CN, time_zone: Asia/Shanghai}").channels.first)
        #expect(channel.language == .zhCN)
        #expect(channel.timeZone == "Asia/Shanghai")
        #expect(
            issue(at: "channels[0].time_zone", in: issues("channels:\n  - {type: console, time_zone: Mars/Olympus}"))?.message
                == "unknown time zone \"Mars/Olympus\"; use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC")
    }

    @Test("alertmanager: one or several base URLs and a resend interval; config show keeps its tls files")
    func alertmanager() throws {
        let channels = try configuration(
            "channels:\n  - {type: alertmanager, url: [\"http://127.0.0.1:9093\", \"https://am2.example.com\"], resend_interval: 30s}"
        ).channels
        guard case .alertmanager(let settings) = channels.first?.settings else {
            Issue.record("not alertmanager")
            return
        }
        #expect(settings.endpoints.map(\.url) == [Secret("http://127.0.0.1:9093"), Secret("https://am2.example.com")])
        #expect(settings.resendInterval == .seconds(30))
        #expect(
            !ConfigurationRenderer.yaml(try configuration("channels:\n  - {type: alertmanager, url: \"https://am.example.com\"}")).contains("am.example.com"))
        let rendered = ConfigurationRenderer.yaml(
            try configuration("channels:\n  - {type: alertmanager, url: \"https://am.example.com\", tls: {ca_file: /etc/ca.pem}}"))
        #expect(rendered.contains("    tls: {ca_file: /etc/ca.pem}\n"), "\(rendered)")
    }

    @Test("problems: no url, both a value and a file, half a client certificate")
    func problems() {
        #expect(
            issue(at: "channels[0].url", in: issues("channels:\n  - {type: slack}"))?.message
                == "this channel needs a `url` (or `url_file` naming a file that holds it)")
        #expect(
            issue(at: "channels[0].secret", in: issues("channels:\n  - {type: feishu, url: \"https://f.example/x\", secret: a, secret_file: /b}"))?.message
                == "give either secret or secret_file, not both")
        #expect(
            issue(at: "channels[0].tls", in: issues("channels:\n  - {type: slack, url: \"https://s.example/x\", tls: {cert_file: /c.pem}}"))?.message
                == "cert_file and key_file go together: give both or neither")
    }
}
