#!/usr/bin/env python3
"""A small receiver for aievents' outbound webhooks, to try them on this machine.

It answers POST (which `python3 -m http.server` cannot), checks each message's Standard
Webhooks signature with the endpoint's secret, and prints what arrived:

    python3 examples/webhook-receiver/receiver.py --port 9000 --secret whsec_...

Register it first (`make up` allows http://127.0.0.1 targets):

    curl -s -X POST http://127.0.0.1:8080/v1/webhook-endpoints -H "x-api-key: $KEY" \
      -H 'content-type: application/json' \
      -d '{"url": "http://127.0.0.1:9000/hooks", "event_types": ["ai_event.created"]}'

The secret can also come from a file read at each request (--secret-file), so the receiver can
start before the endpoint exists. --answer makes it answer another status (503 to watch the
retries, 410 to see the endpoint disabled). Standard library only.
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60  # refuse replays of old messages, as the libraries do


def verify(secret, headers, body):
    """Returns None when a signature matches, else why not."""
    if not secret.startswith("whsec_"):
        return "the secret does not start with whsec_"
    key = base64.b64decode(secret[len("whsec_"):])
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    if not msg_id or not timestamp.isdigit():
        return "webhook-id or webhook-timestamp is missing"
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return "webhook-timestamp is too old or too new"
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for entry in headers.get("webhook-signature", "").split():
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return None
    return "no v1 signature matches the secret"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000, help="0 picks a free port")
    parser.add_argument("--secret", default="", help="the endpoint's whsec_ secret")
    parser.add_argument("--secret-file", default="", help="a file holding the secret")
    parser.add_argument("--answer", type=int, default=200, help="the status to answer")
    args = parser.parse_args()

    def secret():
        if args.secret_file:
            try:
                with open(args.secret_file) as f:
                    return f.read().strip()
            except OSError:
                return ""
        return args.secret

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            problem = verify(secret(), headers, body) if secret() else "no secret given: not checked"
            try:
                message = json.loads(body)
                summary = f'{message.get("type")} {message.get("data", {}).get("id", "")}'
            except ValueError:
                summary = "(not JSON)"
            verdict = "verified" if problem is None else f"NOT VERIFIED: {problem}"
            print(f'{headers.get("webhook-id", "-")} {summary} [{verdict}] -> {args.answer}',
                  flush=True)
            # A message that does not verify is refused, as a real receiver must.
            status = args.answer if problem is None or not secret() else 401
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_):  # the line above says it all
            pass

    class Server(ThreadingHTTPServer):
        # aievents opens up to 10 connections at once to an endpoint; Python's default listen
        # backlog of 5 would drop some of them for a second.
        request_queue_size = 128

    server = Server(("127.0.0.1", args.port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/hooks", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
