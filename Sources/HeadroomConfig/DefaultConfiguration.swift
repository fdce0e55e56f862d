/// The embedded default configuration, printed by `headroom config default`.
public enum DefaultConfiguration {
    /// Documented YAML; loading it gives exactly the configuration used when no file exists.
    public static let yaml = """
        # Headroom configuration. Every key is optional; this file spells out the defaults.
        # Every scalar can also be set from the environment: HEADROOM_ + the key path in
        # upper case, e.g. HEADROOM_INTERVAL=2s, HEADROOM_ALERTING_REPEAT_INTERVAL=1h,
        # HEADROOM_RULES_CPU_OVERLOAD_ABOVE=85. See docs/configuration.md.

        # Time between two samples.
        interval: 5s

        # Host name carried by notifications (default: the system's host name).
        # hostname: gpu-node-01

        collectors:
          # Where /proc and /sys are read; /host when the host's are mounted there.
          root: /
          # Time budget of each collector per round; an overrun marks its metrics absent.
          timeout: 2s
          # Collectors not to run: cpu, memory, load, cgroup, pressure.
          disabled: []
          # cgroup_path: /docker/abc   # instead of discovering this process's own cgroup

        alerting:
          # Re-notify a still-firing alert this often (0 disables).
          repeat_interval: 30m
          # A firing critical holds back the warning of the same family on the same series.
          inhibit: true
          # A firing alert whose series vanished resolves after this long without data.
          stale_after: 5m
          # A series changing state more than max_changes times within window is reported
          # once as flapping (0 disables).
          flapping:
            window: 10m
            max_changes: 6

        # The built-in rules (CPU overload, host and container memory, OOM kills, memory
        # pressure, leak trends, GPU memory) are used unless this is false. Rules below with
        # the same name replace a built-in; `enabled: false` switches one off.
        default_rules: true
        rules: []
        #  - name: cpu_overload
        #    metric: cpu_used_percent
        #    above: 85
        #    samples: 3
        #    severity: warning

        channels:
          - type: console
        #  - type: jsonlog
        #    path: /var/log/headroom/alerts.jsonl

        log:
          level: info      # trace, debug, info, notice, warning, error, critical
          format: text     # text or json; the daemon's own log goes to stderr
        """
}
