-- The outbound claim and prune with the same rules at a cost that no longer grows with the
-- backlog (measured with pg_stat_statements during `make bench --only=webhooks`):
--  - claim_webhook_messages read an endpoint's next events with `type = ANY (types)`, which the
--    planner serves by collecting every event after the cursor and sorting them: 10 to 40 ms
--    per claim once deliveries fell behind ingestion, 60 % of PostgreSQL's time. Each type's
--    next events are now a short range of the (tenant_id, type, seq) index, merged.
--  - prune_webhook_events compared every retained row with its tenant's lowest enabled cursor
--    through a correlated subquery (340 ms per 10,000 rows). It now finds each tenant's floor
--    once and deletes by range on the primary key (tenant_id, seq); a tenant without an
--    enabled endpoint keeps nothing, as before.
-- CREATE OR REPLACE keeps the functions' owner (aievents_locator) and grants (EXECUTE for
-- aievents_timeline only); replacing them takes membership of their owner, held only
-- meanwhile, as 0008 did to hand them over.
DO $migration$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
BEGIN
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  EXECUTE $sql$
CREATE OR REPLACE FUNCTION claim_webhook_messages(p_limit integer, p_per_endpoint integer, p_lease interval)
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
            OR EXISTS (SELECT FROM unnest(w.event_types) AS t(type)
                        WHERE EXISTS (SELECT FROM public.webhook_events v
                                       WHERE v.tenant_id = w.tenant_id AND v.type = t.type
                                         AND v.seq > w.cursor_seq)))
     ORDER BY w.last_attempt_at NULLS FIRST
     LIMIT p_limit
     FOR NO KEY UPDATE OF w SKIP LOCKED
  LOOP
    EXIT WHEN remaining <= 0;
    -- The next events of each subscribed type, each read as a short range of the
    -- (tenant_id, type, seq) index, then merged: the work is the batch, whatever the backlog.
    WITH fresh AS (
      SELECT n.seq, n.message_id, n.type, n.subject_id, n.created_at
        FROM unnest(e.types) AS t(type)
       CROSS JOIN LATERAL (
             SELECT v.seq, v.message_id, v.type, v.subject_id, v.created_at
               FROM public.webhook_events v
              WHERE v.tenant_id = e.t AND v.type = t.type AND v.seq > e.cursor_seq
              ORDER BY v.seq LIMIT least(e.batch, remaining)) AS n
       ORDER BY n.seq LIMIT least(e.batch, remaining)),
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
  $sql$;
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
