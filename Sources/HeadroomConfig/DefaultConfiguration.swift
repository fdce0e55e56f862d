/// The embedded default configuration, printed by `headroom config default`.
public enum DefaultConfiguration {
    /// Documented YAML that spells out every default. Loading it gives exactly the
    /// configuration of an empty file; it is used when no file is found.
    public static let yaml = header + builtinRulesComment + footer

    private static let header = """
        # Headroom configuration.
        #
        # Every key is optional: this file spells out the defaults. A key left empty
        # (`key:` or `key: ~`) also takes its default.
        #
        # Durations are written 500ms, 10s, 5m, 1h30m, 2d, or as a bare number of seconds.
        #
        # Environment variables override the file: HEADROOM_ + the key path in upper case,
        # e.g. HEADROOM_INTERVAL=2s, HEADROOM_LOG_LEVEL=debug, HEADROOM_ALERTING_REPEAT_INTERVAL=1h,
        # HEADROOM_RULES_CPU_OVERLOAD_ABOVE=85 (a rule by name) or HEADROOM_RULES_0_FOR=30s (by
        # index), HEADROOM_CHANNELS_JSONLOG_PATH=/var/log/headroom/alerts.jsonl (a channel by
        # name), HEADROOM_CHANNELS=console,jsonlog (enable exactly these), and the shortcuts
        # HEADROOM_CPU_WARN_PERCENT, HEADROOM_GPU_MEMORY_WARN_PERCENT and
        # HEADROOM_GPU_MEMORY_CRITICAL_PERCENT. `headroom config show` prints the result.

        # Time between two samples (at least 100ms).
        interval: 5s

        # Host name carried by notifications (default: the system's host name).
        # hostname: gpu-node-01

        collectors:
          # Where /proc and /sys are read; /host when the host's are mounted there.
          root: /
          # Time budget of each collector per round; an overrun marks its metrics absent
          # and raises collector_failed.
          timeout: 2s
          # Collectors not to run: cpu, memory, load, cgroup, pressure, nvidia, amdgpu.
          disabled: []
          # The cgroup to watch, below the cgroup mount, instead of this process's own:
          # cgroup_path: /docker/abc
          # The NVML library, instead of searching for libnvidia-ml.so.1:
          # nvml_library: /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1

        alerting:
          # Re-notify a still-firing alert this often (0 disables).
          repeat_interval: 30m
          # A firing critical holds back the warning of the same family on the same series.
          inhibit: true
          # A firing alert whose series vanished resolves after this long without data.
          stale_after: 5m
          # A series changing state more than max_changes times within window is reported
          # once as flapping (max_changes: 0 disables).
          flapping:
            window: 10m
            max_changes: 6

        limits:
          # The most series tracked at once; samples of new series beyond it are refused,
          # counted (headroom_series_dropped_total) and raise series_limit_reached.
          max_series: 50000

        log:
          level: info      # trace, debug, info, notice, warning, error, critical
          format: text     # text or json; the daemon's own log goes to standard error

        # The HTTP server: /metrics (Prometheus and OpenMetrics, dcgm-exporter names for GPUs),
        # /healthz, /readyz (503 while a rule with gate: true fires), /api/v1/status,
        # /api/v1/alerts, /api/v1/openapi.json.
        server:
          enabled: true
          # host:port; :19400 is every interface. 19400 is outside the 9100-9999 range the
          # Prometheus default-port list gives to other exporters.
          listen: 127.0.0.1:19400
          # Bearer token for mutating endpoints (at least 16 characters); without one they
          # are refused. A non-loopback listen needs a token or insecure: true.
          # token: 3f9c0c2e8f4b1a6d5e7f8091a2b3c4d5
          insecure: false

        # Push every round as InfluxDB line protocol (off unless a url is set):
        # push:
        #   url: http://127.0.0.1:8428
        #   protocol: victoriametrics   # or influx_v1 (database:), influx_v2 (org:, bucket:, token:)
        #   interval: 10s
        #   batch_size: 5000
        #   buffer_size: 100000         # lines kept while the target is down; the oldest are dropped beyond it
        #   gzip: true

        # The recorded history of every series the rules see, alert transitions, notification
        # outcomes and incidents (OOM kills, crashes, lost GPUs, Xids, CUDA out-of-memory lines),
        # read by /api/v1/query_range, /api/v1/alerts/history, headroom history and backtest.
        history:
          enabled: true
          retention: 7d             # every sample, at the sampling interval
          rollup_retention: 30d     # then one-minute min/max/mean/last; 0s: none
          max_bytes: 1GiB           # the oldest data goes first beyond it (said once in the log)
          flush_interval: 10s       # a kill -9 loses at most this much
          # path: /var/lib/headroom/history.db   # default: history.db in the state directory

        # The built-in rules below are used unless this is false (collector_failed always is).
        default_rules: true

        # Your rules. One with a built-in's name replaces it; {name: memory_leak, enabled: false}
        # switches one off. Keys: name, metric (a selector such as cpu_used_percent or
        # 'cpu_core_used_percent{cpu!="0"}'), labels, one condition (above, at_least, below,
        # at_most, increases: true, or trend), at most one hold (for: 30s, samples: 3, or
        # within: {samples: 3, of: 5}), clear, keep_firing_for, severity (info, warning,
        # critical; default warning), family, summary, gate (true: /readyz answers 503 while it
        # fires), enabled.
        rules: []
        #  - name: gpu_memory_high
        #    metric: gpu_memory_used_percent
        #    at_least: 85
        #    for: 30s
        #    clear: 80
        #    severity: warning
        #    summary: "GPU {label:gpu} memory at {value} for {for}"

        """

    /// The built-in rules, commented out (they are active without being listed).
    private static let builtinRulesComment: String = {
        var lines = ["# The built-in rules, for reference (copy one into `rules:` to change it):"]
        for line in (BuiltinRules.alwaysOnYAML + "\n" + BuiltinRules.defaultsYAML).split(separator: "\n") {
            lines.append("#  " + line)
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    private static let footer = """

        # Where notifications go. Each channel has a type and optionally name (default: the
        # type), enabled, min_severity (default info) and send_resolved (default true).
        channels:
          # stream: stdout or stderr; color: auto (only on a terminal, never with NO_COLOR), always, never.
          - type: console
            stream: stdout
            color: auto
          # One JSON object per line, appended to path (default: standard output).
          # - type: jsonlog
          #   path: /var/log/headroom/alerts.jsonl

        """
}
