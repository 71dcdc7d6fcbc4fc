-- Outbound: which endpoints have something new, without a look into webhook_events per endpoint
-- (issue 23, docs/performance.md step 9).
--  - webhook_event_heads keeps, per tenant and type, the newest webhook_events.seq. A statement
--    trigger on webhook_events keeps it (one upsert per relay statement, whichever version of
--    the relay wrote the rows), so only the timeline writes it, as it writes webhook_events.
--    Pruning does not touch it: a head says "there were events up to here", and every cursor
--    that is behind it has events left to send. Rows hold a tenant, a type and a number: no
--    personal data.
--  - claim_webhook_batch picks the endpoints with due retries or a subscribed type whose head
--    is past the endpoint's cursor, and reads fresh events only for those types. Its previous
--    form asked webhook_events, per enabled endpoint and subscribed type, whether an event
--    followed the cursor; on that queue table (inserted and pruned all day, its statistics
--    always stale) the planner chose a sequential scan per endpoint: 49 ms per claim with 100
--    endpoints, more database time than ingest's own (docs/performance.md step 8).
--  - claim_webhook_messages (0008) is dropped, as 0009 announced: timelines of this version and
--    the previous one call claim_webhook_batch. A rolling upgrade from 0008's version goes
--    through 0009's first (docs/operations.md "Upgrades"). With it go aievents_locator's
--    INSERT on webhook_messages and its policy, which only that function used.
CREATE TABLE webhook_event_heads (
  tenant_id uuid NOT NULL,
  type      text NOT NULL,
  last_seq  bigint NOT NULL,
  PRIMARY KEY (tenant_id, type)
);
ALTER TABLE webhook_event_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_event_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_event_heads USING (tenant_id = app_tenant())
  WITH CHECK (tenant_id = app_tenant());
-- The relay's inserts keep it through the trigger below, which runs as the writing role.
GRANT SELECT, INSERT, UPDATE ON webhook_event_heads TO aievents_timeline;
GRANT SELECT ON webhook_event_heads TO aievents_locator;
CREATE POLICY locator_read ON webhook_event_heads FOR SELECT TO aievents_locator USING (true);

CREATE FUNCTION webhook_events_heads_moved() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  INSERT INTO public.webhook_event_heads AS h (tenant_id, type, last_seq)
  SELECT n.tenant_id, n.type, max(n.seq) FROM inserted n GROUP BY n.tenant_id, n.type
  ON CONFLICT (tenant_id, type) DO UPDATE SET last_seq = greatest(h.last_seq, excluded.last_seq);
  RETURN NULL;
END
$$;
CREATE TRIGGER webhook_events_heads AFTER INSERT ON webhook_events
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_events_heads_moved();

DO $migration$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
  tenants uuid[];
  tenant uuid;
BEGIN
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  -- The heads of what is retained now. The migrating role owns the tables but row-level
  -- security applies to it (FORCE), so it learns the tenants as aievents_locator (which reads
  -- every tenant's webhook_events) and then writes each tenant's heads scoped to that tenant.
  SET LOCAL ROLE aievents_locator;
  SELECT array_agg(DISTINCT v.tenant_id) INTO tenants FROM webhook_events v;
  RESET ROLE;
  FOREACH tenant IN ARRAY coalesce(tenants, '{}') LOOP
    PERFORM set_config('app.tenant_id', tenant::text, true);
    INSERT INTO webhook_event_heads (tenant_id, type, last_seq)
    SELECT v.tenant_id, v.type, max(v.seq) FROM webhook_events v
     WHERE v.tenant_id = tenant GROUP BY v.tenant_id, v.type;
  END LOOP;
  PERFORM set_config('app.tenant_id', '', true);
  EXECUTE $sql$
CREATE OR REPLACE FUNCTION claim_webhook_batch(p_limit integer, p_per_endpoint integer,
                                               p_lease interval)
RETURNS TABLE (tenant_id uuid, endpoint_id uuid, message_id uuid, type text, subject_id uuid,
               created_at timestamptz, attempts integer, seq bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  e record;
  remaining integer := p_limit;
  wanted integer;
  taken integer;
  fresh integer;
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
            OR EXISTS (SELECT FROM public.webhook_event_heads h
                        WHERE h.tenant_id = w.tenant_id AND h.type = ANY (w.event_types)
                          AND h.last_seq > w.cursor_seq))
     ORDER BY w.last_attempt_at NULLS FIRST
     LIMIT p_limit
     FOR NO KEY UPDATE OF w SKIP LOCKED
  LOOP
    EXIT WHEN remaining <= 0;
    wanted := least(e.batch, remaining);
    -- Retries that are due, oldest first, leased.
    RETURN QUERY
      WITH due AS (
        SELECT d.message_id FROM public.webhook_messages d
         WHERE d.tenant_id = e.t AND d.endpoint_id = e.id AND d.status = 'pending'
           AND d.next_attempt_at <= now()
           AND (d.lease_until IS NULL OR d.lease_until < now())
         ORDER BY d.next_attempt_at LIMIT wanted
         FOR UPDATE SKIP LOCKED)
      UPDATE public.webhook_messages m SET lease_until = now() + p_lease
        FROM due
       WHERE m.tenant_id = e.t AND m.endpoint_id = e.id AND m.message_id = due.message_id
      RETURNING m.tenant_id, m.endpoint_id, m.message_id, m.type, m.subject_id, m.created_at,
                m.attempts, NULL::bigint;
    GET DIAGNOSTICS taken = ROW_COUNT;
    -- Then the next events after its cursor: for each subscribed type whose head is past it, a
    -- short range of the (tenant_id, type, seq) index; merged, handed out, not written.
    IF taken < wanted THEN
      RETURN QUERY
        SELECT e.t, e.id, n.message_id, n.type, n.subject_id, n.created_at, 0, n.seq
          FROM public.webhook_event_heads h
         CROSS JOIN LATERAL (
               SELECT v.seq, v.message_id, v.type, v.subject_id, v.created_at
                 FROM public.webhook_events v
                WHERE v.tenant_id = e.t AND v.type = h.type AND v.seq > e.cursor_seq
                ORDER BY v.seq LIMIT wanted - taken) AS n
         WHERE h.tenant_id = e.t AND h.type = ANY (e.types) AND h.last_seq > e.cursor_seq
         ORDER BY n.seq LIMIT wanted - taken;
      GET DIAGNOSTICS fresh = ROW_COUNT;
      taken := taken + fresh;
    END IF;
    IF taken > 0 THEN
      UPDATE public.webhook_endpoints w
         SET in_flight = taken, busy_until = now() + p_lease, last_attempt_at = now()
       WHERE w.tenant_id = e.t AND w.id = e.id;
      remaining := remaining - taken;
    END IF;
  END LOOP;
END
$$
  $sql$;
  EXECUTE 'DROP FUNCTION claim_webhook_messages(integer, integer, interval)';
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
END
$migration$;
REVOKE INSERT ON webhook_messages FROM aievents_locator;
DROP POLICY locator_add ON webhook_messages;
