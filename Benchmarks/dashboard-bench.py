#!/usr/bin/env python3
"""The dashboard's cost, measured from outside (scripts/bench-dashboard.sh runs this).

The shipped `headroom run` at `interval: 1s` reads 8 fake GPUs (2 processes each) with a
24 h history of a synthetic node at 5 s already in its file. Debian's headless Chromium,
driven over WebDriver (chromedriver), opens the page:

  * first meaningful paint: from navigation start to the page's `headroom-rendered` mark
    (every figure, table and chart drawn from the history API), for the 24 h and 1 h ranges,
    five fresh loads each;
  * the daemon's CPU, utime + stime from /proc/PID/stat (exited threads included; 10 ms
    ticks), over the same number of seconds: with no page open (the baseline), with the page open and refreshing every
    second, and after the page is closed.

Only the standard library: http.client reads chromedriver's `Content-Length:252`.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, timeout=120):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def wait_until(what, probe, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    sys.exit(f"timed out waiting for {what}")


def cpu_seconds(pid):
    """utime + stime of the whole process, threads that have exited included (clock ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mib(pid):
    """VmRSS and RssAnon (private memory), MiB."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "RssAnon"):
                fields[name] = int(rest.split()[0]) / 1024
    return fields.get("VmRSS", 0), fields.get("RssAnon", 0)


class Browser:
    def __init__(self, directory):
        self.port = free_port()
        self.driver = subprocess.Popen(["chromedriver", f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until("chromedriver", lambda: b'"ready":true' in request(self.port, "GET", "/status", timeout=2)[1])
        chromium = shutil.which("chromium")
        capabilities = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--lang=en-US", "--no-first-run", f"--user-data-dir={directory}/chromium-profile"]}}}}
        _, data = request(self.port, "POST", "/session", capabilities)
        self.session = json.loads(data)["value"]["sessionId"]

    def command(self, method, path, body=None):
        _, data = request(self.port, method, f"/session/{self.session}/{path}", body)
        value = json.loads(data).get("value")
        if isinstance(value, dict) and "error" in value:
            raise RuntimeError(f"{path}: {value['error']}: {value.get('message')}")
        return value

    def run(self, script):
        return self.command("POST", "execute/sync", {"script": script, "args": []})

    def open(self, url):
        self.command("POST", "url", {"url": url})

    def quit(self):
        try:
            request(self.port, "DELETE", f"/session/{self.session}")
        finally:
            self.driver.terminate()
            self.driver.wait()


SCENARIO = "\n".join(
    ["gpus 8"]
    + [f"gpu {g} used {8 * 1073741824 + g * 268435456}" for g in range(8)]
    + [f"gpu {g} util {10 * g}" for g in range(8)]
    + [f"pname {1000 + g * 2} python3 serve.py\npname {1001 + g * 2} ffmpeg" for g in range(8)]
    + [f"gpu {g} procs {1000 + g * 2}:{6 * 1073741824} {1001 + g * 2}:{2 * 1073741824}" for g in range(8)]
) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--headroom", required=True)
    parser.add_argument("--bench", required=True, help="headroom-bench, whose directory holds libFakeNVML.so")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="headroom-dashboard-bench-")
    state = os.path.join(directory, "state")
    os.makedirs(state, mode=0o700)
    subprocess.run([args.bench, "--write-history-day", os.path.join(state, "history.db")], check=True)
    shutil.copy(os.path.join(os.path.dirname(args.bench), "libFakeNVML.so"), os.path.join(directory, "libnvidia-ml.so.1"))
    with open(os.path.join(directory, "fake-nvml.scenario"), "w") as f:
        f.write(SCENARIO)
    port = free_port()
    config = os.path.join(directory, "headroom.yaml")
    with open(config, "w") as f:
        f.write(f"""interval: 1s
state_dir: {state}
log:
  level: warning
collectors:
  nvml_library: {directory}/libnvidia-ml.so.1
server:
  listen: 127.0.0.1:{port}
channels: []
""")
    daemon = subprocess.Popen([args.headroom, "run", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    browser = None
    try:
        wait_until("the daemon", lambda: request(port, "GET", "/healthz", timeout=2)[0] == 200)
        time.sleep(5)

        def measure(label):
            before, start = cpu_seconds(daemon.pid), time.monotonic()
            time.sleep(args.seconds)
            used, elapsed = cpu_seconds(daemon.pid) - before, time.monotonic() - start
            return (label, used / elapsed * 100, used / elapsed * 1000) + memory_mib(daemon.pid)

        rows = [measure("no page open (baseline)")]
        browser = Browser(directory)
        paints = {}
        for name, seconds in (("24 h", 86400), ("1 h", 3600)):
            times, points = [], 0
            for _ in range(args.loads):
                browser.open("about:blank")
                browser.open(f"http://127.0.0.1:{port}/?range={seconds}")
                wait_until("the page drawn", lambda: browser.run("return window.headroom && window.headroom.rendered()"))
                times.append(browser.run("return performance.getEntriesByName('headroom-rendered')[0].startTime"))
                points = browser.run("return window.headroom.charts().reduce((n, c) => n + c.rows * c.series, 0)")
                charts = browser.run("return window.headroom.charts().length")
            times.sort()
            paints[name] = (times[len(times) // 2], times[-1], points, charts)
        browser.open(f"http://127.0.0.1:{port}/?range=3600")
        wait_until("the page drawn", lambda: browser.run("return window.headroom && window.headroom.rendered()"))
        rows.append(measure("page open at 1 h, refreshing every second"))
        browser.open("about:blank")
        rows.append(measure("page closed again"))
    finally:
        if browser:
            browser.quit()
        daemon.terminate()
        daemon.wait()
        shutil.rmtree(directory, ignore_errors=True)

    print("")
    print("## Dashboard: first meaningful paint, 8 GPUs with a 24 h history at 5 s")
    print("| range | median | slowest of %d | points drawn | charts |" % args.loads)
    print("|---|---|---|---|---|")
    for name, (median, slowest, points, charts) in paints.items():
        print(f"| {name} | {median:.0f} ms | {slowest:.0f} ms | {points} | {charts} |")
    print("")
    print(f"## Dashboard: the daemon's CPU at interval 1s, {args.seconds} s each")
    print("| daemon | CPU, % of one core | CPU ms per second | VmRSS at the end | RssAnon at the end |")
    print("|---|---|---|---|---|")
    for label, percent, ms, rss, anonymous in rows:
        print(f"| {label} | {percent:.3f} % | {ms:.2f} | {rss:.1f} MiB | {anonymous:.1f} MiB |")


if __name__ == "__main__":
    main()
