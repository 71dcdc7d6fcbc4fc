-- A real claim for the inbox worker (docs/webhooks.md). Every ingest replica runs a worker;
-- until now each one read the same pending deliveries and processed them all (harmless, as
-- processing is idempotent, but wasted work, and nothing bounded retries). Now a worker claims
-- a delivery with a lease: rows already claimed are skipped (FOR UPDATE SKIP LOCKED, then the
-- lease), a lease that runs out (a worker that died) frees the row again, and a delivery whose
-- dependency stayed away is retried with exponential backoff until it is dead-lettered.
ALTER TABLE webhook_deliveries ADD COLUMN lease_until timestamptz;
ALTER TABLE webhook_deliveries ADD COLUMN next_attempt_at timestamptz;

GRANT UPDATE (lease_until) ON webhook_deliveries TO aievents_locator;
CREATE POLICY locator_claim ON webhook_deliveries FOR UPDATE TO aievents_locator
  USING (true) WITH CHECK (true);

-- Claims up to p_limit deliveries pending for longer than p_min_age, due (next_attempt_at
-- passed) and not leased, for p_lease; returns them (tenant, id, attempts so far).
CREATE FUNCTION claim_webhook_deliveries(p_min_age interval, p_limit integer, p_lease interval)
RETURNS TABLE (tenant_id uuid, id uuid, attempts integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  UPDATE public.webhook_deliveries d SET lease_until = now() + p_lease
   WHERE (d.tenant_id, d.id) IN (
     SELECT c.tenant_id, c.id FROM public.webhook_deliveries c
      WHERE c.status = 'pending' AND c.received_at < now() - p_min_age
        AND (c.lease_until IS NULL OR c.lease_until < now())
        AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= now())
      ORDER BY c.received_at LIMIT p_limit
      FOR UPDATE SKIP LOCKED)
  RETURNING d.tenant_id, d.id, d.attempts
$$;

DO $$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
BEGIN
  EXECUTE 'GRANT CREATE ON SCHEMA public TO aievents_locator';
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  ALTER FUNCTION claim_webhook_deliveries(interval, integer, interval) OWNER TO aievents_locator;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
  EXECUTE 'REVOKE CREATE ON SCHEMA public FROM aievents_locator';
END
$$;
REVOKE EXECUTE ON FUNCTION claim_webhook_deliveries(interval, integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_webhook_deliveries(interval, integer, interval) TO aievents_app;

-- The unleased read it replaces.
DROP FUNCTION pending_webhook_deliveries(interval, integer);
