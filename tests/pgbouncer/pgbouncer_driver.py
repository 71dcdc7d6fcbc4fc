#!/usr/bin/python3
"""The HTTP half of scripts/run-pgbouncer-check.sh: exercises the main paths of the running
suite (whose services reach PostgreSQL through PgBouncer) and reports, per path, how many
requests worked and which errors the others got. Exit status 0 only when every path worked.

Paths: readiness, customers (create, get, search), events created in parallel (group commit and
the pipelined pools of ingest and matching), an idempotent replay, get and list events, an
unmatched event then associated, re-matching after a new customer, a webhook source and a
signed Standard Webhooks delivery processed, API keys through the API, and a live timeline
(server-sent events, which rely on the timeline's LISTEN connection).

Python 3 standard library only (Debian's /usr/bin/python3; PyPI is not reachable from CI).
"""

import argparse
import base64
import collections
import concurrent.futures
import hashlib
import hmac
import http.client
import json
import os
import socket
import sys
import threading
import time
import uuid

now = time.monotonic


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--gateway-port", type=int, required=True)
    p.add_argument("--admin-ports", required=True,
                   help="name=port,... of the /readyz ports (gateway, ingest, matching, timeline)")
    p.add_argument("--api-key-file", required=True)
    p.add_argument("--fixture", required=True, help="tests/fixtures/agntix/session_ended.json")
    p.add_argument("--events", type=int, default=60, help="events per parallel burst")
    p.add_argument("--threads", type=int, default=12)
    p.add_argument("--bursts", type=int, default=2)
    p.add_argument("--ready-timeout", type=float, default=30.0)
    return p.parse_args()


class Results:
    """Per path: requests that worked, and the distinct errors of the others (with counts)."""

    def __init__(self):
        self.ok = collections.Counter()
        self.failed = collections.Counter()
        self.errors = collections.defaultdict(collections.Counter)
        self.order = []
        self.lock = threading.Lock()

    def _path(self, path):
        if path not in self.order:
            self.order.append(path)

    def good(self, path):
        with self.lock:
            self._path(path)
            self.ok[path] += 1

    def bad(self, path, error):
        with self.lock:
            self._path(path)
            self.failed[path] += 1
            self.errors[path][error.replace("\n", "\\n")[:300]] += 1

    def all_ok(self):
        return all(self.failed[p] == 0 and self.ok[p] > 0 for p in self.order)

    def report(self):
        width = max(len(p) for p in self.order) if self.order else 10
        print("pgbouncer-check: results per path (requests that worked / failed)")
        for path in self.order:
            verdict = "PASS" if self.failed[path] == 0 and self.ok[path] > 0 else "FAIL"
            print(f"  {verdict}  {path:<{width}}  {self.ok[path]:>4} ok  {self.failed[path]:>4} "
                  f"failed")
            for error, count in self.errors[path].most_common():
                print(f"          {count:>4} x {error}")


class Api:
    def __init__(self, port, key):
        self.port = port
        self.key = key

    def call(self, method, path, body=None, key=None, headers=None, timeout=15.0, raw=None):
        """(status or None, parsed JSON or text, headers). Never raises for HTTP trouble."""
        hdrs = {"x-api-key": key or self.key}
        if body is not None:
            hdrs["content-type"] = "application/json"
            raw = json.dumps(body).encode()
        if headers is not None:
            hdrs = headers
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=raw, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            answer_headers = {k.lower(): v for k, v in resp.getheaders()}
            try:
                parsed = json.loads(data) if data else {}
            except ValueError:
                parsed = data.decode(errors="replace")
            return resp.status, parsed, answer_headers
        except (OSError, http.client.HTTPException) as e:
            return None, f"{type(e).__name__}: {e}", {}
        finally:
            conn.close()


def describe(status, answer):
    """An error answer as one line: status, code and message."""
    if status is None:
        return str(answer)
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        err = answer["error"]
        return f"HTTP {status} {err.get('code', '')}: {err.get('message', '')}"
    return f"HTTP {status}: {str(answer)[:200]}"


def expect(results, path, status, answer, wanted=(200, 201)):
    if status in wanted:
        results.good(path)
        return True
    results.bad(path, describe(status, answer))
    return False


def event_body(run, i, email, key=None):
    return {"customer_lookup": {"email": email},
            "ai_event": {"event_type": "phone_call", "source": "pgbouncer-check",
                         "summary": f"pgbouncer check event {i}", "raw_payload": json.dumps({"i": i}),
                         "idempotency_key": key or f"pgb-{run}-{i}",
                         "occurred_at": "2026-03-10T14:30:00Z"}}


def wait_ready(args, results):
    ports = dict(item.split("=") for item in args.admin_ports.split(","))
    probes = {name: (int(port), "/readyz") for name, port in ports.items()}
    probes["gateway-all"] = (args.gateway_port, "/readyz?backends=all")
    latest = {}
    deadline = now() + args.ready_timeout
    while now() < deadline:
        for name, (port, path) in probes.items():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                latest[name] = (resp.status, resp.read().decode(errors="replace").strip()[:300])
            except (OSError, http.client.HTTPException) as e:
                latest[name] = (None, type(e).__name__)
            finally:
                conn.close()
        if all(v[0] == 200 for v in latest.values()):
            results.good("readiness (every /readyz 200)")
            return True
        time.sleep(0.25)
    for name, (status, text) in latest.items():
        if status != 200:
            results.bad("readiness (every /readyz 200)", f"{name}: {status} {text}")
    return False


def create_events(api, results, run, customer_email, start, count, threads):
    """`count` events from `threads` clients at once: even ones match the customer, odd ones
    match nobody. Returns {i: event}."""
    created = {}
    lock = threading.Lock()

    def one(i):
        email = customer_email if i % 2 == 0 else f"nobody.{run}.{i}@example.com"
        status, answer, _ = api.call("POST", "/v1/ai-events", event_body(run, i, email))
        if expect(results, "POST /v1/ai-events (parallel)", status, answer, (201,)):
            with lock:
                created[i] = answer

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(start, start + count)))
    return created


def watch(api, customer_id, seen, connected, stop):
    """Reads the customer's live timeline; puts event ids in `seen`, sets `connected` once the
    stream is subscribed. Records the status line or the failure in seen['_status']."""
    try:
        sock = socket.create_connection(("127.0.0.1", api.port), timeout=20)
    except OSError as e:
        seen["_status"] = f"connect: {e}"
        connected.set()
        return
    try:
        sock.sendall((f"GET /v1/customers/{customer_id}/ai-events:watch HTTP/1.1\r\n"
                      f"Host: 127.0.0.1\r\nx-api-key: {api.key}\r\nAccept: text/event-stream\r\n"
                      "\r\n").encode())
        sock.settimeout(0.5)
        buffer = b""
        deadline = now() + 25
        while not stop.is_set() and now() < deadline:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                seen.setdefault("_status", "stream closed before it connected")
                break
            buffer += chunk
            if "_status" not in seen and b"\r\n" in buffer:
                seen["_status"] = buffer.split(b"\r\n", 1)[0].decode(errors="replace")
                if " 200 " not in seen["_status"] + " ":
                    head, _, rest = buffer.partition(b"\r\n\r\n")
                    seen["_status"] += " " + rest.decode(errors="replace")[:200]
                    connected.set()
                    break
            if b": connected" in buffer:
                connected.set()
            for line in buffer.split(b"\n"):
                if line.startswith(b"data: {"):
                    try:
                        seen[json.loads(line[6:])["id"]] = True
                    except (ValueError, KeyError):
                        pass
    finally:
        connected.set()
        sock.close()


def sign(secret, msg_id, body):
    key = base64.b64decode(secret[len("whsec_"):])
    ts = str(int(time.time()))
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return {"content-type": "application/json", "user-agent": "Svix-Webhooks/1.24",
            "svix-id": msg_id, "svix-timestamp": ts,
            "svix-signature": "v1," + base64.b64encode(mac).decode()}


def main():
    args = parse_args()
    results = Results()
    api = Api(args.gateway_port, open(args.api_key_file).read().strip())
    run = uuid.uuid4().hex[:8]
    started = now()

    wait_ready(args, results)

    # Customers.
    customer_email = f"ada.{run}@example.com"
    status, customer, _ = api.call("POST", "/v1/customers",
                                   {"email": customer_email, "first_name": "Ada",
                                    "last_name": "Pgbouncer"})
    customer_id = None
    if expect(results, "POST /v1/customers", status, customer, (201,)):
        customer_id = customer["id"]
        for path in (f"/v1/customers/{customer_id}", "/v1/customers?q=pgbouncer"):
            status, answer, _ = api.call("GET", path)
            expect(results, "GET customer / search", status, answer)

    # Live timeline: subscribe before the events are created, then expect them on the stream.
    seen, connected, stop = {}, threading.Event(), threading.Event()
    watcher = None
    if customer_id:
        watcher = threading.Thread(target=watch, args=(api, customer_id, seen, connected, stop),
                                   daemon=True)
        watcher.start()
        connected.wait(12)

    # Events in parallel bursts (group commit, the commit and match pipelines).
    created = {}
    for burst in range(args.bursts):
        created.update(create_events(api, results, run, customer_email, burst * args.events,
                                     args.events, args.threads))

    # Idempotent replay of the first event.
    if created:
        i = min(created)
        email = customer_email if i % 2 == 0 else f"nobody.{run}.{i}@example.com"
        status, answer, headers = api.call("POST", "/v1/ai-events", event_body(run, i, email))
        if status == 200 and headers.get("idempotent-replayed") == "true" and \
                answer.get("id") == created[i]["id"]:
            results.good("POST /v1/ai-events idempotent replay")
        else:
            results.bad("POST /v1/ai-events idempotent replay",
                        describe(status, answer) + f" replayed={headers.get('idempotent-replayed')}")

    # Matching worked: the even events name the customer.
    if customer_id and created:
        wrong = [i for i, e in created.items()
                 if (i % 2 == 0) != (e.get("customer_id") == customer_id)]
        if wrong:
            results.bad("events matched as expected",
                        f"{len(wrong)} of {len(created)} events matched wrongly, e.g. "
                        f"{created[wrong[0]].get('customer_id')} for #{wrong[0]}")
        else:
            results.good("events matched as expected")

    # Get and list.
    def get_one(event):
        status, answer, _ = api.call("GET", f"/v1/ai-events/{event['id']}")
        expect(results, "GET /v1/ai-events/{id}", status, answer)

    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(get_one, list(created.values())[:40]))
    lists = ["/v1/ai-events?page_size=100", "/v1/ai-events?matched=false",
             "/v1/ai-events?matched=true", "/v1/ai-events:count?matched=false"]
    if customer_id:
        lists.append(f"/v1/customers/{customer_id}/ai-events?page_size=100")
    for path in lists:
        status, answer, _ = api.call("GET", path)
        expect(results, "list / count events", status, answer)

    # The live timeline saw the customer's events.
    if watcher is not None:
        mine = [e["id"] for i, e in created.items() if e.get("customer_id") == customer_id]
        deadline = now() + 8
        while now() < deadline and not all(m in seen for m in mine):
            time.sleep(0.2)
        stop.set()
        watcher.join(3)
        got = sum(1 for m in mine if m in seen)
        status_line = seen.get("_status", "no answer")
        if mine and got == len(mine):
            results.good("live timeline (watch stream, LISTEN)")
        elif not mine:
            results.bad("live timeline (watch stream, LISTEN)",
                        f"stream answered '{status_line}'; no event of the customer was created, "
                        f"so there was nothing to see")
        else:
            results.bad("live timeline (watch stream, LISTEN)",
                        f"stream answered '{status_line}'; {got} of {len(mine)} of the customer's "
                        f"new events arrived within 8 s")

    # An unmatched event, then associated by hand; its candidates.
    if customer_id:
        status, event, _ = api.call("POST", "/v1/ai-events",
                                    event_body(run, "assoc", f"stray.{run}@example.com"))
        if expect(results, "unmatched event + associate", status, event, (201,)):
            if event.get("customer_id") is not None:
                results.bad("unmatched event + associate", "the stray event was matched")
            status, answer, _ = api.call("GET", f"/v1/ai-events/{event['id']}/candidates")
            expect(results, "unmatched event + associate", status, answer)
            status, answer, _ = api.call("POST", f"/v1/ai-events/{event['id']}:associate",
                                         {"customer_id": customer_id})
            if expect(results, "unmatched event + associate", status, answer):
                if answer.get("match_method") != "manual":
                    results.bad("unmatched event + associate",
                                f"match_method {answer.get('match_method')!r}, not 'manual'")

    # Re-matching: a new customer with an unmatched event's email takes it (matching finds the
    # events, ingest links them).
    odd = sorted(i for i in created if i % 2 == 1)
    if odd:
        i = odd[0]
        email = f"nobody.{run}.{i}@example.com"
        status, late, _ = api.call("POST", "/v1/customers", {"email": email})
        if expect(results, "re-match after a new customer", status, late, (201,)):
            deadline = now() + 10
            answer = {}
            while now() < deadline:
                status, answer, _ = api.call("GET", f"/v1/ai-events/{created[i]['id']}")
                if status == 200 and answer.get("customer_id") == late["id"]:
                    break
                time.sleep(0.3)
            if status == 200 and answer.get("customer_id") == late["id"]:
                results.good("re-match after a new customer")
            else:
                results.bad("re-match after a new customer",
                            f"event not re-matched within 10 s: {describe(status, answer)} "
                            f"customer_id={answer.get('customer_id') if isinstance(answer, dict) else None}")

    # A webhook source and a signed delivery, processed into an event.
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    status, source, _ = api.call("POST", "/v1/webhook-sources",
                                 {"vendor": "agntix", "signing_secret": secret,
                                  "label": "pgbouncer-check"})
    if expect(results, "webhook source + signed delivery", status, source, (201,)):
        with open(args.fixture) as f:
            body = json.load(f)
        body["id"] = str(uuid.uuid4())
        body["metadata"]["customerPhoneNumber"] = "+15550001234"
        raw = json.dumps(body).encode()
        msg_id = f"msg_pgb_{run}"
        status, answer, _ = api.call("POST", source["url_path"], raw=raw,
                                     headers=sign(secret, msg_id, raw))
        if expect(results, "webhook source + signed delivery", status, answer, (200,)):
            delivery_id = answer.get("delivery_id")
            deadline = now() + 15
            state = None
            while now() < deadline:
                status, answer, _ = api.call("GET", f"/v1/webhook-deliveries/{delivery_id}")
                delivery = answer.get("delivery", answer) if isinstance(answer, dict) else {}
                state = (status, str(delivery.get("status", "")).lower(), delivery.get("error"))
                if status == 200 and "processed" in state[1]:
                    break
                time.sleep(0.3)
            if state and state[0] == 200 and "processed" in state[1]:
                results.good("webhook source + signed delivery")
            else:
                results.bad("webhook source + signed delivery",
                            f"delivery not processed within 15 s: {state}")

    # API keys through the API.
    status, created_key, _ = api.call("POST", "/v1/api-keys",
                                      {"label": "pgbouncer-check", "scopes": ["events:read"]})
    if expect(results, "API keys (create, list, self, revoke)", status, created_key, (201,)):
        status, answer, _ = api.call("GET", "/v1/api-keys")
        expect(results, "API keys (create, list, self, revoke)", status, answer)
        status, answer, _ = api.call("GET", "/v1/api-keys:self", key=created_key["secret"])
        expect(results, "API keys (create, list, self, revoke)", status, answer)
        status, answer, _ = api.call("POST",
                                     f"/v1/api-keys/{created_key['api_key']['id']}:revoke",
                                     raw=b"", headers={"x-api-key": api.key})
        expect(results, "API keys (create, list, self, revoke)", status, answer)

    results.report()
    print(f"pgbouncer-check: the HTTP paths took {now() - started:.1f} s")
    return 0 if results.all_ok() else 1


if __name__ == "__main__":
    sys.exit(main())
