#!/usr/bin/env python3
"""A real SMTP server for Headroom's email tests: aiosmtpd on 127.0.0.1 with STARTTLS
(required) or implicit TLS, and AUTH (PLAIN and LOGIN, or LOGIN only) required.

Arguments: --mode starttls|tls --cert CERT --key KEY --user U --password P --spool DIR
[--login-only]. Each accepted message is written to DIR as NNNN.json (envelope sender,
recipients, raw message, whether TLS was on and who authenticated). Prints "PORT <n>" once
listening; exits when its standard input closes.
"""
import json, os, socket, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    args = dict(zip(sys.argv[1::2], sys.argv[2::2])) if "--login-only" not in sys.argv else \
        dict(zip([a for a in sys.argv[1:] if a != "--login-only"][0::2], [a for a in sys.argv[1:] if a != "--login-only"][1::2]))
    spool, user, password = args["--spool"], args["--user"], args["--password"]
    os.makedirs(spool, exist_ok=True)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            count = len([n for n in os.listdir(spool) if n.endswith(".json")])
            record = {"from": envelope.mail_from, "to": envelope.rcpt_tos,
                      "data": envelope.content.decode("utf-8", "replace"),
                      "tls": session.ssl is not None or args["--mode"] == "tls",
                      "login": str(session.auth_data) if session.authenticated else None}
            temporary = os.path.join(spool, ".%04d.tmp" % count)
            with open(temporary, "w") as f:
                json.dump(record, f)
            os.rename(temporary, os.path.join(spool, "%04d.json" % count))
            return "250 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode():
            return AuthResult(success=True, auth_data=auth_data.login.decode())
        return AuthResult(success=False, handled=False)

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args["--cert"], args["--key"])
    options = dict(hostname="127.0.0.1", port=port, authenticator=authenticator, auth_required=True,
                   auth_exclude_mechanism=["PLAIN"] if "--login-only" in sys.argv else None)
    if args["--mode"] == "starttls":
        controller = Controller(Handler(), tls_context=context, require_starttls=True, auth_require_tls=True, **options)
    else:
        # The connection is TLS from the first byte; aiosmtpd only knows STARTTLS as "encrypted".
        controller = Controller(Handler(), ssl_context=context, auth_require_tls=False, **options)
    controller.start()
    print("PORT %d" % port, flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
