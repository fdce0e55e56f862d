#!/usr/bin/env python3
"""Local stand-ins for the webhook platforms, for Headroom's tests (127.0.0.1 only).

Each stand-in implements the platform's documented checks and answers (reference:
shared/reference/alerting.md section 2), independently of Headroom's Swift code:

  POST /hook/<id>[/status/<code>]     generic webhook; verifies the HMAC signature
                                      (hex HMAC-SHA256 over "timestamp:body") when a
                                      webhook secret is configured; /status/<code> answers it
  POST /am/<id>/api/v2/alerts         Alertmanager's alerts API: a JSON array, labels required
  POST /slack/<id>[/<error>]          Slack incoming webhook: "ok", or the error text;
                                      1 message/s per hook, else 429 + Retry-After
  POST /wecom/<id>/send?key=K         WeCom group robot: errcode 93000 for a wrong key,
                                      40058 for markdown content over 4096 bytes, 45009
                                      beyond the per-minute limit (default 20)
  POST /dingtalk/<id>/send?access_token=T[&timestamp&sign]
                                      DingTalk robot: 300001 wrong token; 310000 when the
                                      sign (HMAC-SHA256 keyed by the secret over
                                      "ms\nsecret", Base64, URL-encoded) or the keyword does
                                      not match or the timestamp is over an hour off;
                                      130101 beyond the per-minute limit, then a 10-minute ban
  POST /feishu/<id>/hook/<uuid>       Feishu bot: 19021 for a bad sign (key
                                      "s\nsecret", empty message, Base64) or timestamp;
                                      19024 keyword missing; 9499 body over 20 KB; 11232 over 5/s
  GET  /_requests                     every request received, as JSON
Configuration: one JSON argument with keys webhook_secret, wecom_key, wecom_per_minute,
dingtalk_token, dingtalk_secret, dingtalk_keyword, dingtalk_per_minute, feishu_secret,
feishu_keyword, and window_scale (every rate window times this: Slack's and Feishu's 1 s,
WeCom's and DingTalk's minute; longer in tests so a slow machine cannot slip past them); --tls CERT KEY serves HTTPS; --client-ca CA requires a client certificate; --port N listens on N (default: any free port).
Prints "PORT <n>" once listening; exits when its standard input closes.
"""
import base64, hashlib, hmac, json, os, ssl, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

config = {}
lock = threading.Lock()
received = []
windows = {}   # robot id -> list of accepted times
bans = {}      # robot id -> ban end time


def over_limit(robot, per_seconds, limit, now):
    per_seconds *= float(config.get("window_scale", 1))
    with lock:
        times = [t for t in windows.get(robot, []) if now - t < per_seconds]
        if len(times) >= limit:
            windows[robot] = times
            return True
        times.append(now)
        windows[robot] = times
        return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_requests":
            with lock:
                self.answer(200, json.dumps(received))
        else:
            self.answer(404, "not found", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        record = {
            "path": url.path, "query": url.query, "method": "POST",
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": base64.b64encode(body).decode(), "time": time.time(),
        }
        with lock:
            received.append(record)
        parts = url.path.strip("/").split("/")
        kind = parts[0] if parts else ""
        handler = {"am": self.alertmanager, "hook": self.webhook, "slack": self.slack, "wecom": self.wecom,
                   "dingtalk": self.dingtalk, "feishu": self.feishu}.get(kind)
        if handler is None:
            return self.answer(404, "no such stand-in", "text/plain")
        handler(parts, query, body)

    def webhook(self, parts, query, body):
        if len(parts) >= 4 and parts[2] == "status":
            return self.answer(int(parts[3]), "status %s" % parts[3], "text/plain")
        secret = config.get("webhook_secret")
        if secret:
            timestamp = self.headers.get("X-Headroom-Timestamp", "")
            signature = self.headers.get("X-Headroom-Signature", "")
            expected = hmac.new(secret.encode(), timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature):
                return self.answer(401, "bad signature", "text/plain")
            if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
                return self.answer(401, "stale timestamp", "text/plain")
        self.answer(200, "{}")

    def alertmanager(self, parts, query, body):
        # POST /am/<id>/api/v2/alerts: a JSON array of postable alerts, each with labels.
        try:
            alerts = json.loads(body)
        except ValueError:
            return self.answer(400, '{"code":400,"message":"invalid JSON"}')
        if not isinstance(alerts, list) or not all(isinstance(a, dict) and isinstance(a.get("labels"), dict) and a["labels"] for a in alerts):
            return self.answer(400, '{"code":400,"message":"labels required"}')
        self.answer(200, "")

    def slack(self, parts, query, body):
        if len(parts) >= 3:
            return self.answer(404, parts[2], "text/html")
        try:
            message = json.loads(body)
        except ValueError:
            return self.answer(400, "invalid_payload", "text/html")
        if not message.get("text") and not message.get("blocks"):
            return self.answer(400, "no_text", "text/html")
        if over_limit("slack/" + parts[1], 1.0, 1, time.time()):
            return self.answer(429, "rate_limited", "text/html", [("Retry-After", "1")])
        self.answer(200, "ok", "text/html")

    def wecom(self, parts, query, body):
        def errcode(code, msg):
            self.answer(200, json.dumps({"errcode": code, "errmsg": msg}))
        if query.get("key", [""])[0] != config.get("wecom_key"):
            return errcode(93000, "invalid webhook url")
        message = json.loads(body)
        if message.get("msgtype") != "markdown":
            return errcode(40008, "invalid message type")
        if len(message["markdown"]["content"].encode()) > 4096:
            return errcode(40058, "markdown.content exceed max length 4096")
        if over_limit("wecom/" + parts[1], 60.0, int(config.get("wecom_per_minute", 20)), time.time()):
            return errcode(45009, "api freq out of limit")
        errcode(0, "ok")

    def dingtalk(self, parts, query, body):
        def errcode(code, msg):
            self.answer(200, json.dumps({"errcode": code, "errmsg": msg}))
        robot = "dingtalk/" + parts[1]
        now = time.time()
        if query.get("access_token", [""])[0] != config.get("dingtalk_token"):
            return errcode(300001, "token is not exist")
        secret = config.get("dingtalk_secret")
        if secret:
            timestamp = query.get("timestamp", [""])[0]
            sign = query.get("sign", [""])[0]
            if not timestamp.isdigit() or abs(now * 1000 - int(timestamp)) > 3600 * 1000:
                return errcode(310000, "timestamp is not within one hour")
            string_to_sign = timestamp + "\n" + secret
            expected = base64.b64encode(hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(expected, sign):
                return errcode(310000, "sign not match")
        message = json.loads(body)
        keyword = config.get("dingtalk_keyword")
        if keyword:
            text = json.dumps(message, ensure_ascii=False)
            if keyword not in text:
                return errcode(310000, "keywords not in content")
        with lock:
            banned_until = bans.get(robot, 0)
        if now < banned_until:
            return errcode(130101, "send too fast, exceed 20 times per minute")
        if over_limit(robot, 60.0, int(config.get("dingtalk_per_minute", 20)), now):
            with lock:
                bans[robot] = now + 600
            return errcode(130101, "send too fast, exceed 20 times per minute")
        errcode(0, "ok")

    def feishu(self, parts, query, body):
        def code(value, msg):
            self.answer(200, json.dumps({"code": value, "msg": msg, "data": {}}))
        if len(body) > 20 * 1024:
            return code(9499, "Bad Request")
        try:
            message = json.loads(body)
        except ValueError:
            return code(9499, "Bad Request")
        secret = config.get("feishu_secret")
        if secret:
            timestamp = str(message.get("timestamp", ""))
            if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 3600:
                return code(19021, "sign match fail or timestamp is not within one hour from current time")
            key = (timestamp + "\n" + secret).encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(expected, str(message.get("sign", ""))):
                return code(19021, "sign match fail or timestamp is not within one hour from current time")
        keyword = config.get("feishu_keyword")
        if keyword and keyword not in json.dumps(message, ensure_ascii=False):
            return code(19024, "Key Words Not Found")
        if over_limit("feishu/" + parts[1], 1.0, 5, time.time()):
            return code(11232, "frequency limited psm")
        code(0, "success")


def main():
    args = sys.argv[1:]
    tls = client_ca = None
    port = 0
    while args:
        if args[0] == "--tls":
            tls, args = (args[1], args[2]), args[3:]
        elif args[0] == "--port":
            port, args = int(args[1]), args[2:]
        elif args[0] == "--client-ca":
            client_ca, args = args[1], args[2:]
        else:
            config.update(json.loads(args[0]))
            args = args[1:]
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls[0], tls[1])
        if client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # the test process went away: stop
    os._exit(0)


if __name__ == "__main__":
    main()
