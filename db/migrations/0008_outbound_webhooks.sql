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
-- 3. The timeline's tables: the endpoints (API: /v1/webhook-endpoints), one message per
--    (endpoint, outbox row) it subscribes to, and every attempt.
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
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_messages (
  tenant_id     uuid NOT NULL,
  endpoint_id   uuid NOT NULL,
  message_id    uuid NOT NULL,
  type          text NOT NULL,
  subject_id    uuid NOT NULL,
  created_at    timestamptz NOT NULL,  -- the change's time: the body's "timestamp"
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
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
  id            bigint GENERATED ALWAYS AS IDENTITY,
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
  FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_messages', 'webhook_attempts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant())'
                   ' WITH CHECK (tenant_id = app_tenant())', t);
  END LOOP;
END
$$;

-- The timeline writes its endpoints (DELETE: the API removes an endpoint; its messages and
-- attempts go with it by the foreign keys' cascade, which needs no grant of its own), its
-- messages and its attempts (appended, never changed).
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO aievents_timeline;
GRANT SELECT, INSERT, UPDATE ON webhook_messages TO aievents_timeline;
GRANT SELECT, INSERT ON webhook_attempts TO aievents_timeline;

-- Cross-tenant work, as the inbox's (0004) and matching's outbox (0007): functions owned by
-- aievents_locator, run only by the timeline.
GRANT SELECT, DELETE ON event_outbox TO aievents_locator;
CREATE POLICY locator_read ON event_outbox FOR SELECT TO aievents_locator USING (true);
CREATE POLICY locator_prune ON event_outbox FOR DELETE TO aievents_locator USING (true);
GRANT SELECT, UPDATE (lease_until) ON webhook_messages TO aievents_locator;
GRANT SELECT, UPDATE (in_flight, busy_until, last_attempt_at) ON webhook_endpoints
  TO aievents_locator;
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

-- The delivery workers' claim, across tenants. Endpoints take turns (the least recently
-- tried first); each enabled endpoint that is not resting and has no batch in flight gives up
-- to p_per_endpoint of its due messages, leased for p_lease, and is marked busy with that many
-- until the worker records each attempt (or the lease runs out: a worker that died). So a slow
-- endpoint holds at most p_per_endpoint workers, and the claim's cost grows with the number
-- of endpoints, not with the backlog.
CREATE FUNCTION claim_webhook_messages(p_limit integer, p_per_endpoint integer, p_lease interval)
RETURNS TABLE (tenant_id uuid, endpoint_id uuid, message_id uuid, type text, subject_id uuid,
               created_at timestamptz, attempts integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH ready AS (
    SELECT e.tenant_id, e.id FROM public.webhook_endpoints e
     WHERE e.status = 'enabled' AND (e.retry_after IS NULL OR e.retry_after <= now())
       AND (e.in_flight = 0 OR e.busy_until < now())
       AND EXISTS (SELECT FROM public.webhook_messages d
                    WHERE d.tenant_id = e.tenant_id AND d.endpoint_id = e.id
                      AND d.status = 'pending' AND d.next_attempt_at <= now())
     ORDER BY e.last_attempt_at NULLS FIRST
     LIMIT p_limit
     FOR UPDATE OF e SKIP LOCKED),
  taken AS (
    SELECT d.tenant_id, d.endpoint_id, d.message_id FROM ready r
     CROSS JOIN LATERAL (
       SELECT m.tenant_id, m.endpoint_id, m.message_id FROM public.webhook_messages m
        WHERE m.tenant_id = r.tenant_id AND m.endpoint_id = r.id AND m.status = 'pending'
          AND m.next_attempt_at <= now() AND (m.lease_until IS NULL OR m.lease_until < now())
        ORDER BY m.next_attempt_at LIMIT p_per_endpoint
        FOR UPDATE OF m SKIP LOCKED) d
     LIMIT p_limit),
  busy AS (
    UPDATE public.webhook_endpoints e
       SET in_flight = c.n, busy_until = now() + p_lease, last_attempt_at = now()
      FROM (SELECT t.tenant_id, t.endpoint_id, count(*)::integer AS n FROM taken t
             GROUP BY t.tenant_id, t.endpoint_id) c
     WHERE e.tenant_id = c.tenant_id AND e.id = c.endpoint_id)
  UPDATE public.webhook_messages m SET lease_until = now() + p_lease
    FROM taken t
   WHERE m.tenant_id = t.tenant_id AND m.endpoint_id = t.endpoint_id
     AND m.message_id = t.message_id
  RETURNING m.tenant_id, m.endpoint_id, m.message_id, m.type, m.subject_id, m.created_at,
            m.attempts
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
               oldest_pending_at timestamptz, disabled_endpoints bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT (SELECT count(*) FROM public.event_outbox o, public.outbound_relay r
           WHERE r.name = 'events' AND (o.xid, o.id) > (r.xid, r.id)),
         (SELECT min(o.created_at) FROM public.event_outbox o, public.outbound_relay r
           WHERE r.name = 'events' AND (o.xid, o.id) > (r.xid, r.id)),
         (SELECT count(*) FROM public.webhook_messages WHERE status = 'pending'),
         (SELECT min(created_at) FROM public.webhook_messages WHERE status = 'pending'),
         (SELECT count(*) FROM public.webhook_endpoints WHERE status = 'disabled')
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
                           'outbound_backlog()', 'prune_event_outbox(integer)'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO aievents_locator', f);
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f,
                   CASE WHEN f LIKE 'prune%' THEN 'aievents_ingest' ELSE 'aievents_timeline' END);
  END LOOP;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
  EXECUTE 'REVOKE CREATE ON SCHEMA public FROM aievents_locator';
  FOREACH f IN ARRAY ARRAY['event_outbox_after(xid8, bigint, integer)',
                           'claim_webhook_messages(integer, integer, interval)',
                           'outbound_backlog()', 'prune_event_outbox(integer)'] LOOP
    IF has_function_privilege('public', f, 'EXECUTE') THEN
      RAISE EXCEPTION 'PUBLIC may still execute %', f;
    END IF;
  END LOOP;
END
$$;
