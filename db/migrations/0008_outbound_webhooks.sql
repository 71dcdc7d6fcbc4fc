-- Outbound events (issue 23, docs/webhooks.md "Outbound", docs/architecture.md "Outboxes").
--
-- 1. ingest's outbox. Every change subscribers hear about is written to event_outbox in the
--    change's own transaction, by triggers on ai_events: one statement-level INSERT per group
--    commit (ai_event.created) and one row per event that gets a customer later, by hand or by
--    re-matching (ai_event.associated). A change that commits is announced; one that rolls
--    back takes its outbox row with it. Rows hold ids only, never personal data.
-- 2. The relay, in the timeline process (which hosts the outbound capability), reads the
--    outbox in commit-safe order without writing it: rows are taken in (xid, id) order, and
--    only rows whose transaction is older than every transaction still running (xid below the
--    snapshot's xmin), so no row can later appear behind the relay's cursor. The cursor is the
--    timeline's own row (outbound_relay); ingest prunes what the cursor has passed (through
--    prune_event_outbox, as every cross-tenant job here runs). One writer per table holds:
--    ingest writes event_outbox, the timeline everything below.
-- 3. The timeline's tables. The relay copies each change once per tenant that has a subscribed
--    endpoint (webhook_events, numbered by the relay, which runs one transaction at a time, so
--    the numbers follow commit order); each endpoint keeps a cursor into them. A delivery
--    worker turns the next events after an endpoint's cursor into that endpoint's messages
--    only when it is about to send them, so the rows written grow with what is delivered, not
--    with events x endpoints: an endpoint that is down costs no writes while it rests.
--    webhook_messages holds what is in flight, waiting for a retry, or failed (recover);
--    webhook_attempts every attempt.
CREATE TABLE event_outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   uuid NOT NULL,
  -- The writing transaction (see 2.).
  xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
  -- The message's id: webhook-id, the same for every endpoint and every retry.
  message_id  uuid NOT NULL DEFAULT gen_random_uuid(),
  type        text NOT NULL CHECK (type IN ('ai_event.created', 'ai_event.associated',
                                            'customer.erased')),
  subject_id  uuid NOT NULL,  -- the event (ai_event.*) or the customer (customer.erased)
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_outbox_order ON event_outbox (xid, id);

ALTER TABLE event_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event_outbox USING (tenant_id = app_tenant())
  WITH CHECK (tenant_id = app_tenant());
-- ingest writes it (the triggers below run as the writing role); its pruner removes what the
-- relay has passed through prune_event_outbox, below.
GRANT INSERT ON event_outbox TO aievents_ingest;

CREATE FUNCTION ai_events_outbox_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_outbox (tenant_id, type, subject_id)
  SELECT n.tenant_id, 'ai_event.created', n.id FROM inserted n;
  RETURN NULL;
END
$$;
CREATE TRIGGER ai_events_outbox_insert AFTER INSERT ON ai_events
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION ai_events_outbox_inserted();

CREATE FUNCTION ai_events_outbox_associated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_outbox (tenant_id, type, subject_id)
  VALUES (NEW.tenant_id, 'ai_event.associated', NEW.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER ai_events_outbox_associate AFTER UPDATE OF customer_id ON ai_events
  FOR EACH ROW WHEN (NEW.customer_id IS NOT NULL AND NEW.customer_id IS DISTINCT FROM OLD.customer_id)
  EXECUTE FUNCTION ai_events_outbox_associated();

-- The relay's position: the last (xid, id) it fanned out. One row per relay.
CREATE TABLE outbound_relay (
  name text PRIMARY KEY,
  xid  xid8 NOT NULL,
  id   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO outbound_relay (name, xid, id) VALUES ('events', '0', 0);
GRANT SELECT, UPDATE ON outbound_relay TO aievents_timeline;

CREATE TABLE webhook_endpoints (
  tenant_id     uuid NOT NULL REFERENCES tenants (id),
  id            uuid NOT NULL,
  url           text NOT NULL,
  event_types   text[] NOT NULL,
  description   text NOT NULL DEFAULT '',
  status        text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  -- Why it is disabled: by a person, by a 410 answer, or failing for 5 days.
  disabled_reason text CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
  -- Signing secrets, sealed (SecretBox). The previous one signs too until it expires.
  secret        text NOT NULL,
  previous_secret text,
  previous_secret_expires_at timestamptz,
  create_time   timestamptz NOT NULL DEFAULT now(),
  update_time   timestamptz NOT NULL DEFAULT now(),
  -- Delivery health: the first failure since the last success, the last success, and the
  -- breaker (no attempt before retry_after) that keeps a dead endpoint from holding workers.
  failing_since timestamptz,
  last_success_at timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  retry_after   timestamptz,
  -- The batch in flight (claim_webhook_messages) and the turn order between endpoints.
  in_flight     integer NOT NULL DEFAULT 0,
  busy_until    timestamptz,
  last_attempt_at timestamptz,
  -- The last webhook_events.seq turned into this endpoint's messages (or skipped: created or
  -- enabled after it).
  cursor_seq    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id)
);

-- What the relay fanned out, once per tenant with a subscribed enabled endpoint. Pruned (by the
-- timeline) once every enabled endpoint's cursor has passed it.
CREATE SEQUENCE webhook_events_seq;
CREATE TABLE webhook_events (
  tenant_id   uuid NOT NULL,
  seq         bigint NOT NULL,
  message_id  uuid NOT NULL,
  type        text NOT NULL,
  subject_id  uuid NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX webhook_events_by_type ON webhook_events (tenant_id, type, seq);

CREATE TABLE webhook_messages (
  tenant_id     uuid NOT NULL,
  endpoint_id   uuid NOT NULL,
  message_id    uuid NOT NULL,
  type          text NOT NULL,
  subject_id    uuid NOT NULL,
  created_at    timestamptz NOT NULL,  -- the change's time: the body's "timestamp"
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
  attempts      integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until   timestamptz,
  PRIMARY KEY (tenant_id, endpoint_id, message_id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints ON DELETE CASCADE
);
CREATE INDEX webhook_messages_due ON webhook_messages (tenant_id, endpoint_id, next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_messages_failed ON webhook_messages (tenant_id, endpoint_id, created_at)
  WHERE status = 'failed';

CREATE TABLE webhook_attempts (
  tenant_id     uuid NOT NULL,
  endpoint_id   uuid NOT NULL,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),  -- the attempts' page tokens' tie-breaker
  message_id    uuid NOT NULL,
  type          text NOT NULL,
  attempted_at  timestamptz NOT NULL DEFAULT now(),
  status_code   integer,           -- NULL when no answer came (timeout, refused, TLS)
  duration_ms   integer NOT NULL,
  error         text NOT NULL DEFAULT '',
  next_retry_at timestamptz,       -- NULL when delivered or given up
  PRIMARY KEY (tenant_id, endpoint_id, id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_newest ON webhook_attempts (tenant_id, endpoint_id, attempted_at DESC, id DESC);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_events', 'webhook_messages',
                           'webhook_attempts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant())'
                   ' WITH CHECK (tenant_id = app_tenant())', t);
  END LOOP;
END
$$;

-- The timeline writes its endpoints (DELETE: the API removes an endpoint; its messages and
-- attempts go with it by the foreign keys' cascade, which needs no grant of its own), the
-- relay's events (deleted once every cursor passed them: through prune_webhook_events), its
-- messages (a delivered one is deleted: its attempts keep the record) and its attempts
-- (appended, never changed).
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO aievents_timeline;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_messages TO aievents_timeline;
GRANT SELECT, INSERT ON webhook_events, webhook_attempts TO aievents_timeline;
GRANT USAGE ON SEQUENCE webhook_events_seq TO aievents_timeline;

-- Cross-tenant work, as the inbox's (0004) and matching's outbox (0007): functions owned by
-- aievents_locator, run only by the timeline.
GRANT SELECT, DELETE ON event_outbox TO aievents_locator;
CREATE POLICY locator_read ON event_outbox FOR SELECT TO aievents_locator USING (true);
CREATE POLICY locator_prune ON event_outbox FOR DELETE TO aievents_locator USING (true);
GRANT SELECT, INSERT, UPDATE (lease_until) ON webhook_messages TO aievents_locator;
GRANT SELECT, UPDATE (in_flight, busy_until, last_attempt_at, cursor_seq) ON webhook_endpoints
  TO aievents_locator;
GRANT SELECT, DELETE ON webhook_events TO aievents_locator;
CREATE POLICY locator_read ON webhook_events FOR SELECT TO aievents_locator USING (true);
CREATE POLICY locator_prune ON webhook_events FOR DELETE TO aievents_locator USING (true);
CREATE POLICY locator_add ON webhook_messages FOR INSERT TO aievents_locator WITH CHECK (true);
CREATE POLICY locator_read ON webhook_messages FOR SELECT TO aievents_locator USING (true);
CREATE POLICY locator_claim ON webhook_messages FOR UPDATE TO aievents_locator
  USING (true) WITH CHECK (true);
CREATE POLICY locator_read ON webhook_endpoints FOR SELECT TO aievents_locator USING (true);
CREATE POLICY locator_claim ON webhook_endpoints FOR UPDATE TO aievents_locator
  USING (true) WITH CHECK (true);

-- The outbox rows after (p_xid, p_id) whose transactions are all over, in order.
CREATE FUNCTION event_outbox_after(p_xid xid8, p_id bigint, p_limit integer)
RETURNS TABLE (id bigint, xid xid8, tenant_id uuid, message_id uuid, type text, subject_id uuid,
               created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT o.id, o.xid, o.tenant_id, o.message_id, o.type, o.subject_id, o.created_at
    FROM public.event_outbox o
   WHERE (o.xid, o.id) > (p_xid, p_id)
     AND o.xid < pg_snapshot_xmin(pg_current_snapshot())
   ORDER BY o.xid, o.id
   LIMIT p_limit
$$;

-- The delivery workers' claim, across tenants. Endpoints take turns (the least recently tried
-- first). Each enabled endpoint that is not resting, has no batch in flight and has work gives
-- up to p_per_endpoint messages (one while it has not succeeded lately: a new or failing
-- endpoint is probed with one request before it gets more): the events after its cursor become its messages now (the
-- cursor moves past them), then its due messages (new ones and retries) are leased for
-- p_lease, and the endpoint is marked busy with that many until the worker records each
-- attempt (or the lease runs out: a worker that died). A dead endpoint holds one request open
-- per rest; the claim's cost grows with the number of endpoints, not with the
-- backlog. Endpoint rows are locked FOR NO KEY UPDATE, which does not wait for the key-share
-- locks that inserting their attempts takes.
CREATE FUNCTION claim_webhook_messages(p_limit integer, p_per_endpoint integer, p_lease interval)
RETURNS TABLE (tenant_id uuid, endpoint_id uuid, message_id uuid, type text, subject_id uuid,
               created_at timestamptz, attempts integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  e record;
  remaining integer := p_limit;
  taken integer;
  last_seq bigint;
BEGIN
  FOR e IN
    SELECT w.tenant_id AS t, w.id AS id, w.event_types AS types, w.cursor_seq AS cursor_seq,
           -- an endpoint that has not succeeded lately gets one message at a time
           CASE WHEN w.consecutive_failures > 0 OR w.last_success_at IS NULL THEN 1
                ELSE p_per_endpoint END AS batch
      FROM public.webhook_endpoints w
     WHERE w.status = 'enabled' AND (w.retry_after IS NULL OR w.retry_after <= now())
       AND (w.in_flight = 0 OR w.busy_until < now())
       AND (EXISTS (SELECT FROM public.webhook_messages d
                     WHERE d.tenant_id = w.tenant_id AND d.endpoint_id = w.id
                       AND d.status = 'pending' AND d.next_attempt_at <= now())
            OR EXISTS (SELECT FROM public.webhook_events v
                        WHERE v.tenant_id = w.tenant_id AND v.type = ANY (w.event_types)
                          AND v.seq > w.cursor_seq))
     ORDER BY w.last_attempt_at NULLS FIRST
     LIMIT p_limit
     FOR NO KEY UPDATE OF w SKIP LOCKED
  LOOP
    EXIT WHEN remaining <= 0;
    WITH fresh AS (
      SELECT v.seq, v.message_id, v.type, v.subject_id, v.created_at
        FROM public.webhook_events v
       WHERE v.tenant_id = e.t AND v.type = ANY (e.types) AND v.seq > e.cursor_seq
       ORDER BY v.seq LIMIT least(e.batch, remaining)),
    added AS (
      INSERT INTO public.webhook_messages AS m (tenant_id, endpoint_id, message_id, type,
                                              subject_id, created_at, next_attempt_at)
      SELECT e.t, e.id, f.message_id, f.type, f.subject_id, f.created_at, now() FROM fresh f
      ON CONFLICT DO NOTHING)
    SELECT max(f.seq) INTO last_seq FROM fresh f;
    IF last_seq IS NOT NULL THEN
      UPDATE public.webhook_endpoints w SET cursor_seq = last_seq
       WHERE w.tenant_id = e.t AND w.id = e.id;
    END IF;
    RETURN QUERY
      WITH due AS (
        SELECT d.message_id FROM public.webhook_messages d
         WHERE d.tenant_id = e.t AND d.endpoint_id = e.id AND d.status = 'pending'
           AND d.next_attempt_at <= now()
           AND (d.lease_until IS NULL OR d.lease_until < now())
         ORDER BY d.next_attempt_at LIMIT least(e.batch, remaining)
         FOR UPDATE SKIP LOCKED)
      UPDATE public.webhook_messages m SET lease_until = now() + p_lease
        FROM due
       WHERE m.tenant_id = e.t AND m.endpoint_id = e.id AND m.message_id = due.message_id
      RETURNING m.tenant_id, m.endpoint_id, m.message_id, m.type, m.subject_id, m.created_at,
                m.attempts;
    GET DIAGNOSTICS taken = ROW_COUNT;
    IF taken > 0 THEN
      UPDATE public.webhook_endpoints w
         SET in_flight = taken, busy_until = now() + p_lease, last_attempt_at = now()
       WHERE w.tenant_id = e.t AND w.id = e.id;
      remaining := remaining - taken;
    END IF;
  END LOOP;
END
$$;

-- The relay's events every enabled endpoint of their tenant has passed (or of a tenant with
-- none enabled); up to p_limit; how many.
CREATE FUNCTION prune_webhook_events(p_limit integer) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH passed AS (
    SELECT v.tenant_id, v.seq FROM public.webhook_events v
     WHERE v.seq <= coalesce((SELECT min(e.cursor_seq) FROM public.webhook_endpoints e
                               WHERE e.tenant_id = v.tenant_id AND e.status = 'enabled'),
                             9223372036854775807)
     LIMIT p_limit),
  gone AS (
    DELETE FROM public.webhook_events v USING passed p
     WHERE v.tenant_id = p.tenant_id AND v.seq = p.seq RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

-- ingest's pruner: removes up to p_limit rows the relay has passed; how many.
CREATE FUNCTION prune_event_outbox(p_limit integer) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH gone AS (
    DELETE FROM public.event_outbox WHERE id IN (
      SELECT o.id FROM public.event_outbox o, public.outbound_relay r
       WHERE r.name = 'events' AND (o.xid, o.id) <= (r.xid, r.id)
       LIMIT p_limit)
    RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

-- How far the relay is behind and how many messages wait (metrics).
CREATE FUNCTION outbound_backlog()
RETURNS TABLE (outbox_rows bigint, oldest_outbox_at timestamptz, pending_messages bigint,
               oldest_pending_at timestamptz, disabled_endpoints bigint, retained_events bigint,
               oldest_undelivered_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT (SELECT count(*) FROM public.event_outbox o, public.outbound_relay r
           WHERE r.name = 'events' AND (o.xid, o.id) > (r.xid, r.id)),
         (SELECT min(o.created_at) FROM public.event_outbox o, public.outbound_relay r
           WHERE r.name = 'events' AND (o.xid, o.id) > (r.xid, r.id)),
         (SELECT count(*) FROM public.webhook_messages WHERE status = 'pending'),
         (SELECT min(created_at) FROM public.webhook_messages WHERE status = 'pending'),
         (SELECT count(*) FROM public.webhook_endpoints WHERE status = 'disabled'),
         (SELECT count(*) FROM public.webhook_events),
         -- the oldest event some enabled endpoint has not reached yet
         (SELECT min(v.created_at) FROM public.webhook_endpoints e
            CROSS JOIN LATERAL (SELECT x.created_at FROM public.webhook_events x
                                 WHERE x.tenant_id = e.tenant_id AND x.seq > e.cursor_seq
                                   AND x.type = ANY (e.event_types)
                                 ORDER BY x.seq LIMIT 1) v
           WHERE e.status = 'enabled')
$$;
GRANT SELECT ON outbound_relay TO aievents_locator;

DO $$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
  f text;
BEGIN
  EXECUTE 'GRANT CREATE ON SCHEMA public TO aievents_locator';
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  FOREACH f IN ARRAY ARRAY['event_outbox_after(xid8, bigint, integer)',
                           'claim_webhook_messages(integer, integer, interval)',
                           'outbound_backlog()', 'prune_event_outbox(integer)',
                           'prune_webhook_events(integer)'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO aievents_locator', f);
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f,
                   CASE WHEN f LIKE 'prune_event_outbox%' THEN 'aievents_ingest'
                        ELSE 'aievents_timeline' END);
  END LOOP;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
  EXECUTE 'REVOKE CREATE ON SCHEMA public FROM aievents_locator';
  FOREACH f IN ARRAY ARRAY['event_outbox_after(xid8, bigint, integer)',
                           'claim_webhook_messages(integer, integer, interval)',
                           'outbound_backlog()', 'prune_event_outbox(integer)',
                           'prune_webhook_events(integer)'] LOOP
    IF has_function_privilege('public', f, 'EXECUTE') THEN
      RAISE EXCEPTION 'PUBLIC may still execute %', f;
    END IF;
  END LOOP;
END
$$;
