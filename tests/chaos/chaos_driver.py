#!/usr/bin/python3
"""The fault-injection run behind `make chaos` (see tests/chaos/README.md, docs/reliability.md).

scripts/run-chaos.sh prepares a durable throwaway PostgreSQL, migrates it and creates a tenant
and an API key, then runs this driver, which:

  1. starts the four real binaries from build/ on free loopback ports, each with its own log;
  2. creates an Agntix webhook source and an outbound webhook endpoint (ai_event.created, to a
     receiver in this driver that verifies signatures) through the HTTP API;
  3. runs two paced clients: event senders (unique idempotency keys, each retried with the same
     key and body until it gets a 2xx) and webhook senders (signed Agntix session.ended
     deliveries, each retried until 2xx), plus one readiness prober per /readyz endpoint;
  4. meanwhile injects the faults one after another, waiting after each until the suite has
     recovered (or the recovery bound has passed) and then letting it settle;
  5. checks the database as the owner (every acknowledged event exactly once, every
     acknowledged delivery in the inbox and processed, every acknowledged event announced to
     the subscriber under one webhook-id), the recovery bound and the readiness
     transitions, and prints the table of what the clients and the probes saw.

Python 3 standard library only (Debian's /usr/bin/python3): PyPI is not reachable from CI, and
http.client with keep-alive connections in threads is plenty for a few hundred requests a second.
Every wait has a deadline; an overall alarm ends the run if something still hangs.
"""

import argparse
import base64
import collections
import hashlib
import hmac
import http.client
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid

# Ports the developer's `make up` stack (and its PostgreSQL) may be using.
RESERVED_PORTS = {8080, 7051, 7052, 7053, 9091, 9092, 9093, 55432}
SERVICES = ("matching", "ingest", "timeline", "gateway")
# The faults, in the order they are injected (CHAOS_FAULTS selects a subset).
FAULTS = ("gateway", "ingest", "matching", "timeline", "pg-immediate", "pg-fast", "freeze")

now = time.monotonic


def env_number(name, default, kind=float):
    value = os.environ.get(name, "")
    return kind(value) if value.strip() else default


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--root", required=True, help="source tree")
    p.add_argument("--build-dir", required=True)
    p.add_argument("--work-dir", required=True, help="temp dir; logs go to WORK/logs")
    p.add_argument("--pg-data", required=True, help="data directory of the throwaway cluster")
    p.add_argument("--pg-port", type=int, required=True)
    p.add_argument("--owner-url", required=True, help="the owner's URL (queries, migrations)")
    for service in ("ingest", "matching", "timeline"):
        p.add_argument(f"--{service}-url", required=True,
                       help=f"the {service} service's database URL (its own role)")
    p.add_argument("--tenant", required=True)
    p.add_argument("--api-key-file", required=True)
    p.add_argument("--internal-token-file", required=True)
    p.add_argument("--secrets-keys-file", required=True)
    p.add_argument("--events", type=int, default=env_number("CHAOS_EVENTS", 6000, int))
    p.add_argument("--webhooks", type=int, default=env_number("CHAOS_WEBHOOKS", 400, int))
    p.add_argument("--event-threads", type=int, default=env_number("CHAOS_EVENT_THREADS", 8, int))
    p.add_argument("--webhook-threads", type=int,
                   default=env_number("CHAOS_WEBHOOK_THREADS", 2, int))
    p.add_argument("--recovery-bound", type=float,
                   default=env_number("CHAOS_RECOVERY_BOUND", 10.0),
                   help="seconds from a fault being lifted until requests succeed and every "
                        "/readyz is green again")
    p.add_argument("--webhook-bound", type=float, default=env_number("CHAOS_WEBHOOK_BOUND", 90.0),
                   help="seconds after the last fault within which every acknowledged delivery "
                        "must be processed")
    p.add_argument("--outbound-bound", type=float,
                   default=env_number("CHAOS_OUTBOUND_BOUND", 180.0),
                   help="seconds after the last fault within which every acknowledged event's "
                        "ai_event.created must reach the subscriber (a message in hand when "
                        "its process died waits for its 30 s lease)")
    p.add_argument("--settle", type=float, default=env_number("CHAOS_SETTLE_SECONDS", 3.0))
    p.add_argument("--restart-delay", type=float,
                   default=env_number("CHAOS_RESTART_DELAY", 1.0),
                   help="a killed process stays down this long before it is started again")
    p.add_argument("--pg-down", type=float, default=env_number("CHAOS_PG_DOWN_SECONDS", 2.0),
                   help="PostgreSQL stays stopped this long between stop and start")
    p.add_argument("--freeze", type=float, default=env_number("CHAOS_FREEZE_SECONDS", 10.0),
                   help="how long matching is stopped with SIGSTOP")
    p.add_argument("--time-limit", type=float, default=env_number("CHAOS_TIME_LIMIT", 360.0))
    p.add_argument("--faults", default=os.environ.get("CHAOS_FAULTS", "") or ",".join(FAULTS),
                   help="comma-separated subset of: " + ", ".join(FAULTS))
    p.add_argument("--probe-interval", type=float,
                   default=env_number("CHAOS_PROBE_INTERVAL", 0.1))
    p.add_argument("--trace", action="store_true", default=os.environ.get("CHAOS_TRACE") == "1",
                   help="print every readiness transition, relative to each fault")
    return p.parse_args()


# --------------------------------------------------------------------------------------------
# Processes


class Service:
    """One of the four binaries: started, killed and restarted by the driver, log appended."""

    def __init__(self, name, argv, env, log_path):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.proc = None
        self.expected_exit = False  # set while the driver itself kills or stops it
        self.unexpected_exits = []

    def start(self):
        with open(self.log_path, "a") as log:
            log.write(f"=== chaos driver: starting {self.name} at t={now():.3f}\n")
            log.flush()
            # A session of its own: Ctrl-C on the terminal reaches the driver only, which then
            # stops everything it started; SIGSTOP/SIGKILL hit exactly this process.
            self.proc = subprocess.Popen(self.argv, env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.expected_exit = False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        if self.alive():
            self.proc.send_signal(sig)

    def kill_and_wait(self, timeout=10.0):
        self.expected_exit = True
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=timeout)

    def stop(self, timeout=8.0):
        """SIGTERM (after SIGCONT, in case it is frozen), then SIGKILL after `timeout`."""
        self.expected_exit = True
        if not self.alive():
            return
        try:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=5)

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def free_ports(count, avoid):
    """`count` distinct ports below the ephemeral range that nobody listens on now."""
    ports = []
    rng = random.Random()
    while len(ports) < count:
        port = rng.randrange(20000, 32000)
        if port in RESERVED_PORTS or port in avoid or port in ports:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                continue
        ports.append(port)
    return ports


# --------------------------------------------------------------------------------------------
# HTTP


def http_request(host, port, method, path, body=None, headers=None, timeout=5.0):
    """One request on a fresh connection: (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


class KeepAlive:
    """A keep-alive connection that reconnects after any error."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def post(self, path, body, headers):
        """(status or None, body bytes or error text, headers)."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request("POST", path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            if hdrs.get("connection", "").lower() == "close":
                self.close()
            return resp.status, data, hdrs
        except (OSError, http.client.HTTPException) as e:
            self.close()
            return None, f"{type(e).__name__}: {e}".encode(), {}

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
            self.conn = None


# --------------------------------------------------------------------------------------------
# Load


class Pacer:
    """Hands out work items at a steady rate (item i is due at start + i / rate) so the load
    spans the whole fault schedule; unpaced once release() is called (after the last fault)."""

    def __init__(self, count, rate):
        self.count = count
        self.rate = rate
        self.next = 0
        self.start = None
        self.released = False
        self.lock = threading.Lock()

    def take(self, stop):
        with self.lock:
            if self.next >= self.count:
                return None
            i = self.next
            self.next += 1
            if self.start is None:
                self.start = now()
        due = self.start + i / self.rate
        while not self.released and not stop.is_set():
            wait = due - now()
            if wait <= 0:
                break
            time.sleep(min(wait, 0.05))
        return i

    def release(self):
        self.released = True


class Attempts:
    """Every request attempt of one client: (start, end, status or None, detail)."""

    def __init__(self):
        self.records = []  # appended from many threads; list.append is atomic in CPython
        self.client_errors = []  # 4xx that is not 429/409: a test failure

    def add(self, start, end, status, detail=""):
        self.records.append((start, end, status, detail))

    def snapshot(self):
        return list(self.records)


def backoff():
    # Short and jittered: the outage is measured from these retries, so they must be frequent.
    # Retry-After (1 s) is ignored on purpose for the same reason.
    time.sleep(0.05 + random.random() * 0.05)


def error_text(status, data):
    if status is None:
        return data.decode(errors="replace")[:120]
    try:
        err = json.loads(data).get("error", {})
        return f"{status} {err.get('code', '')}: {err.get('message', '')}"[:160]
    except (ValueError, AttributeError):
        return f"{status} {data[:80]!r}"


class WorkerGroup:
    """What both load clients share: `threads` daemon threads running `run_worker`, named
    `<name>-<n>`; done() once all have returned."""

    name = "worker"

    def start(self):
        for n in range(self.threads):
            t = threading.Thread(target=self.run_worker, name=f"{self.name}-{n}", daemon=True)
            t.start()
            self.workers.append(t)

    def done(self):
        return all(not t.is_alive() for t in self.workers)


class EventClient(WorkerGroup):
    """Unique-key events, each retried with the same key and body until it gets a 2xx."""

    name = "events"

    def __init__(self, host, port, api_key, run_id, count, threads, rate, give_up_at):
        self.host, self.port = host, port
        self.api_key = api_key
        self.run_id = run_id
        self.count = count
        self.threads = threads
        self.pacer = Pacer(count, rate)
        self.attempts = Attempts()
        self.acked = {}  # idempotency key -> (event id, status, replayed header)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.give_up_at = give_up_at  # a callable: monotonic deadline for one key
        self.workers = []

    def key(self, i):
        return f"chaos-{self.run_id}-{i:06d}"

    def body(self, i):
        return json.dumps({
            "customer_lookup": {"email": f"chaos.{i}@{self.run_id}.example"},
            "ai_event": {
                "event_type": "phone_call",
                "source": "chaos",
                "summary": f"chaos event {i}",
                "raw_payload": json.dumps({"i": i}),
                "source_eid": f"chaos-{i}",
                "idempotency_key": self.key(i),
                "occurred_at": "2026-03-10T14:30:00Z",
            },
        }).encode()

    def run_worker(self):
        conn = KeepAlive(self.host, self.port, timeout=15.0)
        headers = {"x-api-key": self.api_key, "content-type": "application/json"}
        while not self.stop.is_set():
            i = self.pacer.take(self.stop)
            if i is None:
                break
            key, body = self.key(i), self.body(i)
            deadline = self.give_up_at()
            while not self.stop.is_set():
                started = now()
                status, data, hdrs = conn.post("/v1/ai-events", body, headers)
                ended = now()
                if status in (200, 201):
                    try:
                        event_id = json.loads(data)["id"]
                    except (ValueError, KeyError, TypeError):
                        self.attempts.client_errors.append((key, f"{status} without an id: "
                                                                 f"{data[:120]!r}"))
                        break
                    self.attempts.add(started, ended, status)
                    with self.lock:
                        self.acked[key] = (event_id, status, hdrs.get("idempotent-replayed", ""))
                    break
                self.attempts.add(started, ended, status, error_text(status, data))
                if status is not None and 400 <= status < 500 and status not in (409, 429):
                    self.attempts.client_errors.append((key, error_text(status, data)))
                    break
                if now() > deadline:
                    break  # not acknowledged: the final check reports it
                backoff()
        conn.close()



class WebhookClient(WorkerGroup):
    """Signed Agntix session.ended deliveries (Standard Webhooks, svix-* headers)."""

    name = "webhooks"

    def __init__(self, host, port, url_path, secret, fixture, run_id, count, threads, rate,
                 give_up_at):
        self.host, self.port = host, port
        self.url_path = url_path
        self.key = base64.b64decode(secret[len("whsec_"):])
        self.fixture = fixture
        self.run_id = run_id
        self.count = count
        self.threads = threads
        self.pacer = Pacer(count, rate)
        self.attempts = Attempts()
        self.acked = {}  # svix-id -> (delivery id, session id, answered status field)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.give_up_at = give_up_at
        self.workers = []

    def delivery(self, i):
        session = str(uuid.UUID(int=random.getrandbits(128), version=4))
        body = json.loads(json.dumps(self.fixture))
        body["id"] = session
        body["metadata"]["customerPhoneNumber"] = f"+1555{i:07d}"
        return f"msg_{self.run_id}_{i:05d}", session, json.dumps(body).encode()

    def sign(self, msg_id, body):
        ts = str(int(time.time()))
        mac = hmac.new(self.key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
        return {"content-type": "application/json", "user-agent": "Svix-Webhooks/1.24",
                "svix-id": msg_id, "svix-timestamp": ts,
                "svix-signature": "v1," + base64.b64encode(mac).decode()}

    def run_worker(self):
        conn = KeepAlive(self.host, self.port, timeout=30.0)
        while not self.stop.is_set():
            i = self.pacer.take(self.stop)
            if i is None:
                break
            msg_id, session, body = self.delivery(i)
            deadline = self.give_up_at()
            while not self.stop.is_set():
                started = now()
                # A retry is signed again with a fresh timestamp, as Svix does.
                status, data, _ = conn.post(self.url_path, body, self.sign(msg_id, body))
                ended = now()
                if status is not None and 200 <= status < 300:
                    try:
                        answer = json.loads(data)
                        answer["delivery_id"]
                    except (ValueError, KeyError, TypeError):
                        self.attempts.client_errors.append((msg_id, f"{status} without a "
                                                                    f"delivery id: {data[:120]!r}"))
                        break
                    self.attempts.add(started, ended, status)
                    with self.lock:
                        self.acked[msg_id] = (answer["delivery_id"], session,
                                              answer.get("status", ""))
                    break
                self.attempts.add(started, ended, status, error_text(status, data))
                if status is not None and 400 <= status < 500 and status not in (409, 429):
                    self.attempts.client_errors.append((msg_id, error_text(status, data)))
                    break
                if now() > deadline:
                    break
                backoff()
        conn.close()



# --------------------------------------------------------------------------------------------
# Readiness probes


class Prober:
    """Polls one /readyz every `interval` on a fresh connection (as a kubelet does) and keeps
    every observation: (time, ok, detail). A timeout or a refused connection is not ready."""

    def __init__(self, name, port, path, interval=0.1, timeout=1.0):
        self.name, self.port, self.path = name, port, path
        self.interval, self.timeout = interval, timeout
        self.observations = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"probe-{name}", daemon=True)

    def run(self):
        while not self.stop.is_set():
            started = now()
            try:
                status, _, data = http_request("127.0.0.1", self.port, "GET", self.path,
                                               timeout=self.timeout)
                ok = status == 200
                detail = str(status)
                if data.startswith(b"{"):
                    answer = json.loads(data)
                    detail = f"{status} {answer.get('status', '')}"
                    if status != 200 or answer.get("status") != "ready":
                        away = {k.rsplit(".", 1)[-1]: v for k, v in
                                answer.get("checks", {}).items() if v != "ok"}
                        detail += f" {away}"
                else:
                    detail += " " + data.decode(errors="replace").strip()[:80]
            except (OSError, http.client.HTTPException, ValueError) as e:
                ok, detail = False, type(e).__name__
            self.observations.append((now(), ok, detail))
            rest = self.interval - (now() - started)
            if rest > 0:
                self.stop.wait(rest)

    def latest(self):
        return self.observations[-1] if self.observations else (0.0, False, "none")


# --------------------------------------------------------------------------------------------
# Database checks (as the owner, scoped to the tenant: row-level security binds it too)


class OutboundReceiver:
    """A subscriber's endpoint on loopback: verifies each outbound webhook's Standard Webhooks
    signature and records, per event, the webhook-ids it arrived with."""

    def __init__(self):
        self.secret = None  # set once the endpoint exists
        self.lock = threading.Lock()
        self.ids_by_event = collections.defaultdict(set)  # event id -> {webhook-id}
        self.received = 0
        self.unverified = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.record({k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_):
                pass

        class Server(http.server.ThreadingHTTPServer):
            # A listen backlog as production servers have (nginx: 511). Python's default of 5
            # overflows when the timeline opens an endpoint's 10 concurrent connections at once
            # while handler threads hold the GIL: dropped SYNs come back a second later, and
            # deliveries crawl at about 10 a second.
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verified(self, headers, body):
        key = base64.b64decode(self.secret[len("whsec_"):])
        signed = f'{headers.get("webhook-id")}.{headers.get("webhook-timestamp")}.'.encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        return any(hmac.compare_digest(entry.partition(",")[2], expected)
                   for entry in headers.get("webhook-signature", "").split())

    def record(self, headers, body):
        with self.lock:
            self.received += 1
            if self.secret is None or not self.verified(headers, body):
                self.unverified.append(headers.get("webhook-id"))
                return
            message = json.loads(body)
            if message.get("type") == "ai_event.created":
                self.ids_by_event[message["data"]["id"]].add(headers["webhook-id"])

    def stop(self):
        self.server.shutdown()


def psql(url, tenant, query, timeout=60):
    out = subprocess.run(
        ["psql", "-X", "-q", "-tA", "-F", "\t", "-v", "ON_ERROR_STOP=1", url,
         "-c", f"SET app.tenant_id = '{tenant}'", "-c", query],
        capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr.strip()}")
    return [line.split("\t") for line in out.stdout.splitlines() if line]


# --------------------------------------------------------------------------------------------
# The faults


class Fault:
    def __init__(self, name, action, target, must_go_red, must_stay_green):
        self.name = name
        self.action = action  # injects the fault, waits, lifts it; returns when it was lifted
        self.target = target  # the affected process's own /readyz (table columns)
        self.must_go_red = must_go_red  # probes that must answer not-ready during the fault
        self.must_stay_green = must_stay_green  # probes that must stay ready throughout
        self.injected = None
        self.lifted = None
        self.window_end = None  # the next fault's injection, or the end of the load
        self.recovered = None  # monotonic time the suite was seen recovered, or None


class Driver:
    def __init__(self, args):
        self.args = args
        self.failures = []
        self.services = {}
        self.probers = {}
        self.log_dir = os.path.join(args.work_dir, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self.run_id = uuid.uuid4().hex[:10]
        self.api_key = open(args.api_key_file).read().strip()

    def fail(self, message):
        print(f"FAIL: {message}", flush=True)
        self.failures.append(message)

    # ---- set-up

    def start_services(self):
        a = self.args
        ports = free_ports(8, avoid={a.pg_port})
        (self.gateway_port, ingest_grpc, ingest_admin, matching_grpc, matching_admin,
         timeline_grpc, timeline_admin, gateway_admin) = ports
        base = {k: v for k, v in os.environ.items() if not k.startswith("AIEVENTS_")}
        base["AIEVENTS_LOG_LEVEL"] = "info"
        shared = dict(base)
        shared.update({
            "AIEVENTS_INTERNAL_TOKEN": open(a.internal_token_file).read().strip(),
            "AIEVENTS_RATE_LIMIT_KEY_PER_SECOND": "0",
            "AIEVENTS_RATE_LIMIT_TENANT_PER_SECOND": "0",
        })
        # Each service logs in as its own role (db/migrations/0006_service_roles.sql).
        ingest_env = dict(shared, AIEVENTS_DATABASE_URL=a.ingest_url)
        ingest_env["AIEVENTS_SECRETS_KEY_FILE"] = a.secrets_keys_file
        matching_env = dict(shared, AIEVENTS_DATABASE_URL=a.matching_url)
        # Any 32 random bytes in base64 will do as the suppression key here.
        matching_env["AIEVENTS_SUPPRESSION_KEY_FILE"] = a.secrets_keys_file
        timeline_env = dict(shared, AIEVENTS_DATABASE_URL=a.timeline_url)
        timeline_env["AIEVENTS_SECRETS_KEY_FILE"] = a.secrets_keys_file
        # Outbound webhooks go to the driver's receiver on loopback.
        timeline_env["AIEVENTS_WEBHOOK_ALLOW"] = "http,loopback"
        b = a.build_dir
        addr = lambda p: f"127.0.0.1:{p}"  # noqa: E731
        specs = {
            "matching": ([f"{b}/services/matching/aievents-matching",
                          f"--grpc-listen={addr(matching_grpc)}", f"--admin-port={matching_admin}",
                          f"--ingest-address={addr(ingest_grpc)}"], matching_env),
            "ingest": ([f"{b}/services/ingest/aievents-ingest",
                        f"--grpc-listen={addr(ingest_grpc)}", f"--admin-port={ingest_admin}",
                        f"--matching-address={addr(matching_grpc)}"], ingest_env),
            "timeline": ([f"{b}/services/timeline/aievents-timeline",
                          f"--grpc-listen={addr(timeline_grpc)}", f"--admin-port={timeline_admin}"],
                         timeline_env),
            "gateway": ([f"{b}/gateway/aievents-gateway", "--listen-host=127.0.0.1",
                         f"--listen-port={self.gateway_port}", f"--admin-port={gateway_admin}",
                         f"--ingest-address={addr(ingest_grpc)}",
                         f"--matching-address={addr(matching_grpc)}",
                         f"--timeline-address={addr(timeline_grpc)}"], base),
        }
        with open(os.path.join(a.work_dir, "pids"), "w"):
            pass
        for name in SERVICES:
            argv, env = specs[name]
            log_path = os.path.join(self.log_dir, f"{name}.log")
            self.services[name] = Service(name, argv, env, log_path)
            self.services[name].start()
        self.record_pids()
        print(f"chaos: gateway on 127.0.0.1:{self.gateway_port}; ingest {ingest_grpc}/"
              f"{ingest_admin}, matching {matching_grpc}/{matching_admin}, timeline "
              f"{timeline_grpc}/{timeline_admin} (gRPC/admin); PostgreSQL on {a.pg_port}; logs in "
              f"{self.log_dir}", flush=True)

        self.probers = {
            "gateway": Prober("gateway", self.gateway_port, "/readyz"),
            "gateway-all": Prober("gateway-all", self.gateway_port, "/readyz?backends=all"),
            "ingest": Prober("ingest", ingest_admin, "/readyz"),
            "matching": Prober("matching", matching_admin, "/readyz"),
            "timeline": Prober("timeline", timeline_admin, "/readyz"),
        }
        for p in self.probers.values():
            p.interval = a.probe_interval
        for p in self.probers.values():
            p.thread.start()
        deadline = now() + 30
        while now() < deadline:
            if self.all_green():
                return
            for s in self.services.values():
                if not s.alive():
                    raise RuntimeError(f"{s.name} exited at start:\n{s.log_tail()}")
            time.sleep(0.1)
        raise RuntimeError("the suite was not ready 30 s after start: "
                           + ", ".join(f"{n}={p.latest()[2]}" for n, p in self.probers.items()))

    def record_pids(self):
        # For run-chaos.sh's trap, in case this driver dies without cleaning up: each pid with
        # the flag that holds its port (unique to this run), so a reused pid is never killed.
        with open(os.path.join(self.args.work_dir, "pids"), "a") as f:
            for s in self.services.values():
                if s.proc is not None:
                    flag = next(a for a in s.argv if a.startswith(("--grpc-listen=",
                                                                   "--listen-port=")))
                    f.write(f"{s.proc.pid} {flag}\n")

    def all_green(self, since=0.0):
        for p in self.probers.values():
            t, ok, _ = p.latest()
            if not ok or t <= since:
                return False
        return True

    def create_source(self):
        secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
        status, _, data = http_request(
            "127.0.0.1", self.gateway_port, "POST", "/v1/webhook-sources",
            body=json.dumps({"vendor": "agntix", "signing_secret": secret,
                             "label": "chaos"}).encode(),
            headers={"x-api-key": self.api_key, "content-type": "application/json"}, timeout=10)
        if status not in (200, 201):
            raise RuntimeError(f"creating the webhook source answered {status}: {data[:300]!r}")
        created = json.loads(data)
        return created["source"]["id"], created["url_path"], secret

    def create_endpoint(self):
        """Subscribes the driver's receiver to ai_event.created."""
        self.outbound = OutboundReceiver()
        status, _, data = http_request(
            "127.0.0.1", self.gateway_port, "POST", "/v1/webhook-endpoints",
            body=json.dumps({"url": f"http://127.0.0.1:{self.outbound.port}/hooks",
                             "event_types": ["ai_event.created"],
                             "description": "chaos"}).encode(),
            headers={"x-api-key": self.api_key, "content-type": "application/json"}, timeout=10)
        if status != 201:
            raise RuntimeError(f"creating the webhook endpoint answered {status}: {data[:300]!r}")
        self.outbound.secret = json.loads(data)["secret"]

    # ---- faults

    def restart_after_kill(self, name):
        s = self.services[name]
        s.kill_and_wait()
        time.sleep(self.args.restart_delay)
        s.start()
        self.record_pids()
        return now()

    def pg_restart(self, mode):
        a = self.args
        stop = subprocess.run(
            ["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D",
             a.pg_data, "-m", mode, "-w", "-t", "60", "stop"],
            capture_output=True, text=True, timeout=90)
        if stop.returncode != 0:
            raise RuntimeError(f"pg_ctl stop -m {mode} failed: {stop.stderr}")
        time.sleep(a.pg_down)
        # The same options as when run-chaos.sh started it (durable: fsync stays on).
        start = subprocess.run(["bash", os.path.join(a.root, "scripts/pg.sh"), "start", a.pg_data,
                                str(a.pg_port)], capture_output=True, text=True, timeout=90)
        if start.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start again: {start.stderr}")
        return now()

    def freeze_matching(self):
        s = self.services["matching"]
        s.signal(signal.SIGSTOP)
        time.sleep(self.args.freeze)
        s.signal(signal.SIGCONT)
        return now()

    def faults(self):
        database_red = ["ingest", "matching", "timeline", "gateway"]
        chosen = [f.strip() for f in self.args.faults.split(",") if f.strip()]
        unknown = [f for f in chosen if f not in FAULTS]
        if unknown or not chosen:
            raise ValueError(f"unknown fault(s) {unknown} in CHAOS_FAULTS; choose from {FAULTS}")
        every = [
            Fault("kill -9 gateway", lambda: self.restart_after_kill("gateway"), ["gateway"],
                  ["gateway", "gateway-all"], ["ingest", "matching", "timeline"]),
            Fault("kill -9 ingest", lambda: self.restart_after_kill("ingest"), ["ingest"],
                  ["ingest", "gateway", "gateway-all"], ["matching", "timeline"]),
            Fault("kill -9 matching", lambda: self.restart_after_kill("matching"), ["matching"],
                  ["matching", "gateway-all"], ["gateway", "ingest", "timeline"]),
            Fault("kill -9 timeline", lambda: self.restart_after_kill("timeline"), ["timeline"],
                  ["timeline", "gateway-all"], ["gateway", "ingest", "matching"]),
            Fault("pg stop -m immediate", lambda: self.pg_restart("immediate"),
                  ["ingest", "matching", "timeline"], database_red, []),
            Fault("pg stop -m fast", lambda: self.pg_restart("fast"),
                  ["ingest", "matching", "timeline"], database_red, []),
            Fault(f"SIGSTOP matching {self.args.freeze:g} s", self.freeze_matching, ["matching"],
                  ["matching", "gateway-all"], ["gateway", "ingest", "timeline"]),
        ]
        return [fault for key, fault in zip(FAULTS, every) if key in chosen]

    def wait_recovered(self, fault):
        """Until every /readyz answered green after the fault was lifted and an event request
        succeeded after the last failed one; at most the recovery bound."""
        deadline = fault.lifted + self.args.recovery_bound
        while now() < deadline:
            records = self.events.attempts.records
            last_fail = max((r[1] for r in reversed(records[-2000:]) if r[2] not in (200, 201)),
                            default=0.0)
            success = any(r[2] in (200, 201) and r[1] > max(last_fail, fault.lifted)
                          for r in reversed(records[-200:]))
            if self.events.done():
                success = True  # nothing left to send; the readiness part still applies
            if success and self.all_green(since=fault.lifted):
                return now()
            time.sleep(0.05)
        return None

    def watch_processes(self):
        for s in self.services.values():
            if not s.expected_exit and s.proc is not None and s.proc.poll() is not None:
                if s.proc.pid not in s.unexpected_exits:
                    s.unexpected_exits.append(s.proc.pid)
                    self.fail(f"{s.name} (pid {s.proc.pid}) exited by itself with status "
                              f"{s.proc.returncode}; last log lines:\n{s.log_tail()}")

    # ---- the run

    def run(self):
        a = self.args
        self.start_services()
        source_id, url_path, secret = self.create_source()
        self.source_id = source_id
        self.create_endpoint()
        with open(os.path.join(a.root, "tests/fixtures/agntix/session_ended.json")) as f:
            fixture = json.load(f)

        schedule = self.faults()
        # The load is paced to span the schedule: warm-up, each fault (down time, recovery,
        # settle), with 30 % to spare; what is left after the last fault goes out unpaced.
        expected = {"gateway": a.restart_delay + 2, "ingest": a.restart_delay + 2,
                    "matching": a.restart_delay + 2, "timeline": a.restart_delay + 2,
                    "pg-immediate": a.pg_down + 3, "pg-fast": a.pg_down + 3,
                    "freeze": a.freeze + 2}
        chosen = [f.strip() for f in a.faults.split(",") if f.strip() in expected]
        planned = 1.3 * (3 + sum(expected[f] + a.settle for f in chosen))
        give_up = lambda: now() + 60  # noqa: E731  one key's retries end here at the latest
        self.events = EventClient("127.0.0.1", self.gateway_port, self.api_key, self.run_id,
                                  a.events, a.event_threads, a.events / planned, give_up)
        self.webhooks = WebhookClient("127.0.0.1", self.gateway_port, url_path, secret, fixture,
                                      self.run_id, a.webhooks, a.webhook_threads,
                                      a.webhooks / planned, give_up)
        print(f"chaos: {a.events} events ({a.event_threads} senders, "
              f"{a.events / planned:.0f}/s) and {a.webhooks} webhook deliveries "
              f"({a.webhook_threads} senders, {a.webhooks / planned:.1f}/s) over about "
              f"{planned:.0f} s", flush=True)
        self.load_started = now()
        self.events.start()
        self.webhooks.start()
        time.sleep(3)  # baseline
        self.watch_processes()

        self.schedule = []
        for fault in schedule:
            if self.events.done():
                self.fail(f"the event load ended before '{fault.name}': raise CHAOS_EVENTS")
                break
            fault.injected = now()
            print(f"chaos: {fault.name} ...", flush=True)
            fault.lifted = fault.action()
            self.schedule.append(fault)
            fault.recovered = self.wait_recovered(fault)
            self.watch_processes()
            if fault.recovered is None:
                self.fail(f"'{fault.name}': not recovered {a.recovery_bound:g} s after it was "
                          f"lifted: " + ", ".join(f"{n}={p.latest()[2]}"
                                                  for n, p in self.probers.items()))
                break
            print(f"chaos:   recovered {fault.recovered - fault.lifted:.2f} s after it was lifted",
                  flush=True)
            time.sleep(a.settle)
        self.last_lifted = self.schedule[-1].lifted if self.schedule else now()

        # The rest of the load unpaced, then the checks.
        self.events.pacer.release()
        self.webhooks.pacer.release()
        deadline = now() + 60
        while now() < deadline and not (self.events.done() and self.webhooks.done()):
            time.sleep(0.1)
        self.load_ended = now()
        for i, fault in enumerate(self.schedule):
            fault.window_end = (self.schedule[i + 1].injected if i + 1 < len(self.schedule)
                                else self.load_ended)
        if not (self.events.done() and self.webhooks.done()):
            self.fail("the clients did not finish within 60 s after the last fault")
        self.events.stop.set()
        self.webhooks.stop.set()
        self.watch_processes()
        self.check_database()
        for p in self.probers.values():
            p.stop.set()
        self.report()

    # ---- checks and report

    def check_database(self):
        a = self.args
        tenant = a.tenant
        ev = self.events
        acked = dict(ev.acked)
        self.totals = {}
        rows = psql(a.owner_url, tenant,
                    f"SELECT idempotency_key, id::text FROM ai_events WHERE tenant_id = '{tenant}'"
                    f" AND idempotency_key LIKE 'chaos-{self.run_id}-%'")
        stored = collections.defaultdict(list)
        for key, event_id in rows:
            stored[key].append(event_id)
        lost = sorted(k for k in acked if k not in stored)
        duplicated = sorted(k for k, ids in stored.items() if len(ids) > 1)
        mismatched = sorted(k for k in acked if k in stored and acked[k][0] not in stored[k])
        unacked_stored = sorted(k for k in stored if k not in acked)
        never_acked = ev.count - len(acked)
        replays = sum(1 for v in acked.values() if v[1] == 200)
        self.totals.update(events_sent=ev.count, events_acked=len(acked),
                           events_stored=len(rows), events_lost=len(lost),
                           events_duplicated=len(duplicated), events_id_mismatch=len(mismatched),
                           events_replayed=replays, events_never_acked=never_acked)
        if never_acked:
            self.fail(f"{never_acked} events never got a 2xx")
        if lost:
            self.fail(f"{len(lost)} acknowledged events are not in the database, e.g. {lost[:5]}")
        if duplicated:
            self.fail(f"{len(duplicated)} idempotency keys are stored more than once, "
                      f"e.g. {duplicated[:5]}")
        if mismatched:
            self.fail(f"{len(mismatched)} keys are stored under another event id than the one "
                      f"acknowledged, e.g. {mismatched[:5]}")
        if unacked_stored:
            self.fail(f"{len(unacked_stored)} stored keys were never acknowledged, "
                      f"e.g. {unacked_stored[:5]}")
        for client in (ev, self.webhooks):
            for key, text in client.attempts.client_errors[:10]:
                self.fail(f"client error for {key}: {text}")

        # Webhooks: every acknowledged delivery is in the inbox once and gets processed.
        wh = dict(self.webhooks.acked)
        deadline = self.last_lifted + a.webhook_bound
        first = True
        while True:
            rows = psql(a.owner_url, tenant,
                        f"SELECT id::text, message_id, status, coalesce(error, '') FROM"
                        f" webhook_deliveries WHERE tenant_id = '{tenant}'"
                        f" AND source_id = '{self.source_id}'")
            by_id = {r[0]: r for r in rows}
            missing = sorted(m for m, v in wh.items() if v[0] not in by_id)
            unprocessed = sorted(m for m, v in wh.items()
                                 if v[0] in by_id and by_id[v[0]][2] != "processed")
            if first:
                pending_at_end = len(unprocessed)
                first = False
            if missing or not unprocessed or now() > deadline:
                break
            time.sleep(0.5)
        self.webhooks_processed_after = (now() - self.last_lifted) if not unprocessed else None
        statuses = collections.Counter(by_id[v[0]][2] for v in wh.values() if v[0] in by_id)
        sessions = [v[1] for v in wh.values()]
        event_rows = psql(a.owner_url, tenant,
                          f"SELECT idempotency_key, count(*) FROM ai_events WHERE tenant_id ="
                          f" '{tenant}' AND idempotency_key LIKE 'webhook:agntix:%'"
                          f" GROUP BY idempotency_key")
        per_call = {k: int(c) for k, c in event_rows}
        calls_missing = [s for s in sessions if per_call.get(f"webhook:agntix:{s}", 0) != 1]
        self.totals.update(webhooks_sent=self.webhooks.count, webhooks_acked=len(wh),
                           webhooks_in_inbox=len(rows), webhooks_lost=len(missing),
                           webhooks_processed=statuses.get("processed", 0),
                           webhooks_pending_when_load_ended=pending_at_end,
                           webhook_events=len(per_call))
        if self.webhooks.count - len(wh):
            self.fail(f"{self.webhooks.count - len(wh)} webhook deliveries never got a 2xx")
        if missing:
            self.fail(f"{len(missing)} acknowledged deliveries are not in the inbox, "
                      f"e.g. {missing[:5]}")
        if len(rows) != len(wh):
            self.fail(f"the inbox holds {len(rows)} deliveries of this source for {len(wh)} "
                      f"acknowledged messages")
        if unprocessed:
            examples = [by_id[wh[m][0]] for m in unprocessed[:5]]
            self.fail(f"{len(unprocessed)} acknowledged deliveries not processed "
                      f"{a.webhook_bound:g} s after the last fault: statuses {dict(statuses)}, "
                      f"e.g. {examples}")
        if calls_missing:
            self.fail(f"{len(calls_missing)} acknowledged calls do not have exactly one event, "
                      f"e.g. {calls_missing[:5]}")
        self.check_outbound(acked)

    def check_outbound(self, acked):
        """Every acknowledged event's ai_event.created reaches the subscriber, signed; a
        duplicate is allowed only with the same webhook-id (the receiver's idempotency key)."""
        a = self.args
        events = {v[0] for v in acked.values()}
        # A message in hand when its process was killed waits for its lease (30 s) to end.
        deadline = self.last_lifted + a.outbound_bound
        while True:
            with self.outbound.lock:
                missing = sorted(e for e in events if e not in self.outbound.ids_by_event)
            if not missing or now() > deadline:
                break
            time.sleep(0.5)
        self.outbound_delivered_after = (now() - self.last_lifted) if not missing else None
        with self.outbound.lock:
            split = sorted(e for e in events if len(self.outbound.ids_by_event.get(e, ())) > 1)
            received, unverified = self.outbound.received, list(self.outbound.unverified)
        self.outbound.stop()
        self.totals.update(outbound_events=len(events), outbound_missing=len(missing),
                           outbound_received=received, outbound_unverified=len(unverified),
                           outbound_split_ids=len(split))
        if missing:
            self.fail(f"{len(missing)} acknowledged events' ai_event.created never arrived "
                      f"{a.outbound_bound:g} s after the last fault, e.g. {missing[:5]}")
        if split:
            self.fail(f"{len(split)} events arrived under more than one webhook-id, "
                      f"e.g. {split[:5]}")
        if unverified:
            self.fail(f"{len(unverified)} outbound messages did not verify, e.g. {unverified[:5]}")

    def window_stats(self, records, fault):
        inside = [r for r in records if fault.injected <= r[1] < fault.window_end]
        fails = [r for r in inside if r[2] is None or not 200 <= r[2] < 300]
        successes = sorted(r[1] for r in records if r[2] is not None and 200 <= r[2] < 300)
        gap = 0.0
        for before, after in zip(successes, successes[1:]):
            if fault.injected <= after < fault.window_end:
                gap = max(gap, after - max(before, fault.injected))
        if not fails:
            return {"failed": 0, "outage": 0.0, "recovered_at": None, "gap": gap,
                    "reasons": collections.Counter()}
        first_fail = min(r[1] for r in fails)
        last_fail = max(r[1] for r in fails)
        after = [r[1] for r in records if r[1] > last_fail and r[2] is not None
                 and 200 <= r[2] < 300]
        recovered_at = min(after) if after else None
        reasons = collections.Counter(r[3].split(":")[0] if r[2] is None else r[3][:90]
                                      for r in fails)
        return {"failed": len(fails), "gap": gap,
                "outage": (recovered_at - first_fail) if recovered_at else None,
                "recovered_at": recovered_at, "reasons": reasons}

    def readiness(self, probe, fault, client_recovered_at):
        obs = [o for o in self.probers[probe].observations
               if fault.injected <= o[0] < fault.window_end]
        reds = [o for o in obs if not o[1]]
        result = {"red_after": None, "green_after": None, "lag": None, "red_seen": bool(reds)}
        if not reds:
            return result
        result["red_after"] = reds[0][0] - fault.injected
        last_red = reds[-1][0]
        greens = [o[0] for o in obs if o[1] and o[0] > last_red]
        if greens:
            result["green_after"] = greens[0] - fault.lifted
            if client_recovered_at is not None:
                result["lag"] = greens[0] - client_recovered_at
        return result

    def report(self):
        ev_records = self.events.attempts.snapshot()
        wh_records = self.webhooks.attempts.snapshot()
        a = self.args
        fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
        rows, detail = [], []
        baseline = [r for r in ev_records if r[1] < (self.schedule[0].injected if self.schedule
                                                     else now()) and r[2] not in (200, 201)]
        for fault in self.schedule:
            ev = self.window_stats(ev_records, fault)
            wh = self.window_stats(wh_records, fault)
            recovery = (ev["recovered_at"] - fault.lifted) if ev["recovered_at"] else None
            target = [self.readiness(p, fault, ev["recovered_at"]) for p in fault.target]
            # Several targets (the database faults): the last one to turn red / green.
            red = [t["red_after"] for t in target]
            green = [t["green_after"] for t in target]
            lag = [t["lag"] for t in target]
            pick = lambda vals: None if any(v is None for v in vals) else max(vals)  # noqa: E731
            gw_probe = "gateway" if "gateway" in fault.must_go_red else "gateway-all"
            gw = self.readiness(gw_probe, fault, ev["recovered_at"])
            rows.append([fault.name, fmt(fault.lifted - fault.injected), fmt(ev["outage"]),
                         fmt(ev["gap"]), str(ev["failed"]),
                         str(wh["failed"]),
                         fmt(pick(red)), fmt(pick(green)), fmt(pick(lag)),
                         f"{fmt(gw['lag'])} ({'/readyz' if gw_probe == 'gateway' else 'all'})",
                         fmt(recovery)])
            for probe in self.probers:
                r = self.readiness(probe, fault, ev["recovered_at"])
                expect = ("red" if probe in fault.must_go_red
                          else "green" if probe in fault.must_stay_green else "-")
                detail.append([fault.name, probe, expect, "yes" if r["red_seen"] else "no",
                               fmt(r["red_after"]), fmt(r["green_after"]), fmt(r["lag"])])
                if probe in fault.must_go_red and not r["red_seen"]:
                    self.fail(f"'{fault.name}': {probe} /readyz never answered not-ready")
                if probe in fault.must_go_red and r["red_seen"] and r["green_after"] is None:
                    self.fail(f"'{fault.name}': {probe} /readyz did not turn green again")
                if probe in fault.must_stay_green and r["red_seen"]:
                    self.fail(f"'{fault.name}': {probe} /readyz answered not-ready though this "
                              f"fault is not its dependency")
            if recovery is not None and recovery > a.recovery_bound:
                self.fail(f"'{fault.name}': the client recovered {recovery:.2f} s after the "
                          f"fault was lifted (bound {a.recovery_bound:g} s)")
            fault.reasons = ev["reasons"] + wh["reasons"]
            fault.slowest = max((r[1] - r[0] for r in ev_records
                                 if fault.injected <= r[1] < fault.window_end
                                 and r[2] in (200, 201)), default=0.0)

        print()
        print("Fault-injection results, in seconds (tests/chaos/README.md defines each column):")
        print("  down: injected to lifted; outage: the event client's first failure to its first"
              " success after the last one;")
        print("  gap: longest time without a successful event; failed ev/wh: failed attempts;"
              " red after: injected to the")
        print("  affected process's /readyz not ready; green after: lifted to green again; lag:"
              " green minus the client's")
        print("  recovery; gw lag: the same for the gateway's /readyz (or ?backends=all);"
              " recovery: lifted to the client's")
        print("  first success after its last failure (the bound applies to it)")
        header = ["fault", "down", "outage", "gap", "failed ev", "failed wh", "red after",
                  "green after", "lag", "gw lag", "recovery"]
        print_table(header, rows)
        print()
        print("Readiness per probe (red after: from the fault; green after: from the process or "
              "database being back; lag: green minus the client's first success)")
        print_table(["fault", "probe", "expected", "went red", "red after", "green after",
                     "lag"], detail)
        if self.args.trace:
            self.print_trace()
        print()
        print("What the clients were told during each fault (most frequent):")
        for fault in self.schedule:
            top = ", ".join(f"{n}x {text}" for text, n in fault.reasons.most_common(3))
            print(f"  {fault.name}: {top or 'nothing failed'}; slowest 2xx event "
                  f"{fault.slowest:.2f} s")
        t = self.totals
        print()
        print(f"events: {t['events_sent']} sent, {t['events_acked']} acknowledged "
              f"({t['events_replayed']} of them as 200 replays), {t['events_stored']} stored, "
              f"{t['events_duplicated']} duplicated, {t['events_lost']} lost, "
              f"{t['events_id_mismatch']} with another id; baseline failures before the first "
              f"fault: {len(baseline)}")
        processed_after = ("-" if self.webhooks_processed_after is None
                           else f"{self.webhooks_processed_after:.1f} s")
        print(f"webhooks: {t['webhooks_sent']} sent, {t['webhooks_acked']} acknowledged, "
              f"{t['webhooks_in_inbox']} in the inbox, {t['webhooks_processed']} processed, "
              f"{t['webhooks_lost']} lost; {t['webhooks_pending_when_load_ended']} still pending "
              f"when the load ended; all processed {processed_after} after the last fault was "
              f"lifted; {t['webhook_events']} call events")
        if "outbound_events" in t:
            delivered_after = ("-" if self.outbound_delivered_after is None
                               else f"{self.outbound_delivered_after:.1f} s")
            print(f"outbound: {t['outbound_events']} acknowledged events, "
                  f"{t['outbound_missing']} never announced, {t['outbound_received']} messages "
                  f"received ({t['outbound_unverified']} unverified), "
                  f"{t['outbound_split_ids']} events under two webhook-ids; all announced "
                  f"{delivered_after} after the last fault was lifted")
        counts = log_counts(self.log_dir)
        print("log lines: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        print(f"load ran {self.load_ended - self.load_started:.0f} s; "
              f"recovery bound {a.recovery_bound:g} s, webhook bound {a.webhook_bound:g} s")

    def print_trace(self):
        print()
        print("Readiness transitions (seconds after the fault was injected; L = lifted at):")
        for fault in self.schedule:
            print(f"  {fault.name} (L = {fault.lifted - fault.injected:.2f}):")
            for name, p in self.probers.items():
                last = None
                for t, ok, detail in p.observations:
                    if not fault.injected <= t < fault.window_end:
                        continue
                    if detail != last:
                        print(f"    {t - fault.injected:7.2f} {name:<12} {detail}")
                        last = detail

    def shutdown(self):
        for p in self.probers.values():
            p.stop.set()
        for name in ("gateway", "ingest", "timeline", "matching"):
            s = self.services.get(name)
            if s is not None:
                try:
                    s.stop()
                except Exception as e:  # keep stopping the others
                    print(f"chaos: stopping {name}: {e}", file=sys.stderr)


def log_counts(log_dir):
    patterns = {"outcome_unknown": "outcome unknown", "deferred": "webhook_processing_deferred",
                "inbox_retry_deferred": "inbox_retry_deferred",
                "dead_lettered": "inbox_dead_lettered", "not_ready": "msg=not_ready"}
    counts = collections.Counter()
    for name in os.listdir(log_dir):
        with open(os.path.join(log_dir, name), errors="replace") as f:
            for line in f:
                for key, text in patterns.items():
                    if text in line:
                        counts[key] += 1
    return {k: counts.get(k, 0) for k in patterns}


def print_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def main():
    args = parse_args()
    driver = Driver(args)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def on_alarm(_signum, _frame):
        raise TimeoutError(f"the run exceeded its time limit of {args.time_limit:g} s")

    # Installed explicitly: a shell that starts us in the background hands SIGINT down ignored.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.time_limit))
    status = 0
    try:
        driver.run()
        status = 1 if driver.failures else 0
    except KeyboardInterrupt as e:
        print(f"chaos: interrupted ({e})", file=sys.stderr)
        status = 130
    except Exception as e:  # a broken set-up, a time-out: report, clean up, fail
        print(f"chaos: FAIL: {type(e).__name__}: {e}", file=sys.stderr)
        traceback.print_exc()
        status = 1
    finally:
        signal.alarm(0)
        driver.shutdown()
    if status == 0:
        print("chaos: PASS")
    elif driver.failures:
        print(f"chaos: {len(driver.failures)} check(s) failed:")
        for f in driver.failures:
            print(f"  - {f.splitlines()[0]}")
    return status


if __name__ == "__main__":
    sys.exit(main())
