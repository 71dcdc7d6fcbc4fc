-- The outbound claim and prune at a cost that no longer grows with the backlog, and first
-- attempts that write no message row (measured with pg_stat_statements and the per-process
-- CPU of `make bench --only=webhooks`; docs/performance.md):
--  - claim_webhook_batch replaces claim_webhook_messages. The old claim wrote each event it
--    handed out into webhook_messages and moved the endpoint's cursor at once; the worker then
--    deleted the row of every delivered message: three row writes (and their dead rows) per
--    delivery besides the attempt. The new one hands out the next events after the cursor
--    without writing them (a `seq` says which are fresh); the worker moves the cursor past
--    them when it records their outcomes, in one transaction, and only a message that failed
--    or waits becomes a row. A worker that dies leaves the cursor where it was, and the events
--    are handed out again once the endpoint's 30 s lease (busy_until) runs out: at least once,
--    with the same webhook-ids. Retries due (rows) are leased first, as before.
--    It also reads each subscribed type's next events as a short range of the (tenant_id,
--    type, seq) index: the old `type = ANY` collected and sorted every event after the cursor
--    on every claim (10 to 80 ms per claim once deliveries fell behind).
--    claim_webhook_messages stays for timelines of the previous version during a rolling
--    upgrade (the two share cursors and rows correctly); a later migration drops it.
--  - prune_webhook_events compared every retained row with its tenant's lowest enabled cursor
--    through a correlated subquery (340 ms per 10,000 rows). It now finds each tenant's floor
--    once; a tenant without an enabled endpoint keeps nothing, as before.
-- Both functions belong to aievents_locator like 0008's (which takes membership of it only
-- meanwhile), and only the timeline may run them.
DO $migration$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
BEGIN
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  EXECUTE $sql$
CREATE FUNCTION claim_webhook_batch(p_limit integer, p_per_endpoint integer, p_lease interval)
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
            OR EXISTS (SELECT FROM unnest(w.event_types) AS t(type)
                        WHERE EXISTS (SELECT FROM public.webhook_events v
                                       WHERE v.tenant_id = w.tenant_id AND v.type = t.type
                                         AND v.seq > w.cursor_seq)))
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
    -- Then the next events after its cursor, each subscribed type's as a short index range,
    -- merged; handed out, not written.
    IF taken < wanted THEN
      RETURN QUERY
        SELECT e.t, e.id, n.message_id, n.type, n.subject_id, n.created_at, 0, n.seq
          FROM unnest(e.types) AS t(type)
         CROSS JOIN LATERAL (
               SELECT v.seq, v.message_id, v.type, v.subject_id, v.created_at
                 FROM public.webhook_events v
                WHERE v.tenant_id = e.t AND v.type = t.type AND v.seq > e.cursor_seq
                ORDER BY v.seq LIMIT wanted - taken) AS n
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
  EXECUTE 'GRANT CREATE ON SCHEMA public TO aievents_locator';
  EXECUTE 'ALTER FUNCTION claim_webhook_batch(integer, integer, interval) OWNER TO aievents_locator';
  EXECUTE 'REVOKE CREATE ON SCHEMA public FROM aievents_locator';
  EXECUTE 'REVOKE EXECUTE ON FUNCTION claim_webhook_batch(integer, integer, interval) FROM PUBLIC';
  EXECUTE 'GRANT EXECUTE ON FUNCTION claim_webhook_batch(integer, integer, interval) TO aievents_timeline';
  EXECUTE $sql$
CREATE OR REPLACE FUNCTION prune_webhook_events(p_limit integer) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH RECURSIVE tenants AS (  -- the tenants with retained rows, one index probe each
    (SELECT v.tenant_id FROM public.webhook_events v ORDER BY v.tenant_id LIMIT 1)
    UNION ALL
    SELECT (SELECT v.tenant_id FROM public.webhook_events v
             WHERE v.tenant_id > t.tenant_id ORDER BY v.tenant_id LIMIT 1)
      FROM tenants t WHERE t.tenant_id IS NOT NULL),
  floors AS (
    SELECT t.tenant_id,
           coalesce((SELECT min(e.cursor_seq) FROM public.webhook_endpoints e
                      WHERE e.tenant_id = t.tenant_id AND e.status = 'enabled'),
                    9223372036854775807) AS floor
      FROM tenants t WHERE t.tenant_id IS NOT NULL),
  passed AS (
    SELECT p.tenant_id, p.seq
      FROM floors f
      CROSS JOIN LATERAL (SELECT v.tenant_id, v.seq FROM public.webhook_events v
                           WHERE v.tenant_id = f.tenant_id AND v.seq <= f.floor
                           ORDER BY v.seq LIMIT p_limit) p
     LIMIT p_limit),
  gone AS (
    DELETE FROM public.webhook_events v USING passed p
     WHERE v.tenant_id = p.tenant_id AND v.seq = p.seq RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;
  $sql$;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
END
$migration$;
