-- Erasure of a person (issue 24, docs/privacy.md). DELETE /v1/customers/{id} is carried out by
-- the services that own what the person left behind, each in its own tables:
--  - matching removes the customer row at once (so nothing matches it any more), records an
--    'erase' job in its outbox (customer_changes) in the same transaction, and scrubs the
--    customer's audit snapshots;
--  - ingest then removes, in bounded batches of its own transactions, the person's events,
--    their association history, the vendor deliveries behind them and those events' audit
--    snapshots, keeping the counts in customer_erasures (its table), and announces
--    customer.erased on its outbox when nothing is left;
--  - matching's worker finishes a job whose request died, and sweeps once more after a grace
--    period for an event that was being stored while the customer was removed.
-- The job row holds the person's normalized email and phone (to find unmatched events that
-- carry them) only until the first full pass is done; then they are cleared.

ALTER TABLE customer_changes DROP CONSTRAINT customer_changes_kind_check;
ALTER TABLE customer_changes ADD CONSTRAINT customer_changes_kind_check
  CHECK (kind IN ('rematch', 'erase'));
ALTER TABLE customer_changes
  ADD COLUMN email_normalized text,
  ADD COLUMN phone_e164 text,
  -- Full passes of an erase job done: 0 until the request (or the worker) finished one; the
  -- job is removed after the sweep that follows the grace period.
  ADD COLUMN passes integer NOT NULL DEFAULT 0;

-- Association history outlives its customer only until ingest's erasure reaches it; the row is
-- removed first, so the reference cannot be enforced by a foreign key (ai_events.customer_id
-- never was).
ALTER TABLE ai_event_associations
  DROP CONSTRAINT ai_event_associations_tenant_id_to_customer_id_fkey;
CREATE INDEX ai_event_associations_by_customer
  ON ai_event_associations (tenant_id, to_customer_id);
CREATE INDEX ai_event_associations_by_from_customer
  ON ai_event_associations (tenant_id, from_customer_id) WHERE from_customer_id IS NOT NULL;
-- The deliveries behind an erased event.
CREATE INDEX webhook_deliveries_by_event
  ON webhook_deliveries (tenant_id, event_id) WHERE event_id IS NOT NULL;

-- Ingest's record of each erasure: counts so far (what DELETE answers, however many calls and
-- crashes it took), and when customer.erased was announced (once). Ids and counts only.
CREATE TABLE customer_erasures (
  tenant_id                 uuid NOT NULL,
  customer_id               uuid NOT NULL,
  erased_ai_events          bigint NOT NULL DEFAULT 0,
  erased_webhook_deliveries bigint NOT NULL DEFAULT 0,
  started_at                timestamptz NOT NULL DEFAULT clock_timestamp(),
  announced_at              timestamptz,
  PRIMARY KEY (tenant_id, customer_id)
);
ALTER TABLE customer_erasures ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_erasures FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_erasures USING (tenant_id = app_tenant())
  WITH CHECK (tenant_id = app_tenant());
GRANT SELECT, INSERT, UPDATE ON customer_erasures TO aievents_ingest;

-- The erasing writers' DELETE, each on its own tables.
GRANT DELETE ON ai_events, ai_event_associations, webhook_deliveries TO aievents_ingest;
GRANT DELETE ON customers TO aievents_matching;

-- Audit snapshots are append-only for every service; erasure replaces the snapshots of the
-- erased targets with {"erased": true} through this function alone, which changes nothing
-- else (action, actor, time and target stay: the fact of each action is kept).
GRANT SELECT, UPDATE (before, after) ON audit_events TO aievents_locator;
CREATE POLICY locator_scrub_read ON audit_events FOR SELECT TO aievents_locator
  USING (tenant_id = app_tenant());
CREATE POLICY locator_scrub ON audit_events FOR UPDATE TO aievents_locator
  USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());

CREATE FUNCTION scrub_audit_snapshots(p_target_ids text[]) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  WITH scrubbed AS (
    UPDATE public.audit_events a
       SET before = CASE WHEN a.before IS NULL THEN NULL ELSE '{"erased": true}'::jsonb END,
           after = CASE WHEN a.after IS NULL THEN NULL ELSE '{"erased": true}'::jsonb END
     WHERE a.tenant_id = public.app_tenant() AND a.target_id = ANY (p_target_ids)
       AND (a.before IS DISTINCT FROM '{"erased": true}'::jsonb
            OR a.after IS DISTINCT FROM '{"erased": true}'::jsonb)
       AND (a.before IS NOT NULL OR a.after IS NOT NULL)
    RETURNING 1)
  SELECT count(*)::integer FROM scrubbed
$$;

DO $migration$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
BEGIN
  EXECUTE 'GRANT CREATE ON SCHEMA public TO aievents_locator';
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  ALTER FUNCTION scrub_audit_snapshots(text[]) OWNER TO aievents_locator;
  REVOKE EXECUTE ON FUNCTION scrub_audit_snapshots(text[]) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION scrub_audit_snapshots(text[]) TO aievents_matching, aievents_ingest;

  -- The claim now says which kind of job it hands out, with what an erase job needs.
  DROP FUNCTION claim_customer_changes(integer, interval);
  EXECUTE $sql$
CREATE FUNCTION claim_customer_changes(p_limit integer, p_lease interval)
RETURNS TABLE (tenant_id uuid, id uuid, customer_id uuid, kind text, actor text,
               actor_key_id uuid, attempts integer, passes integer, email_normalized text,
               phone_e164 text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  UPDATE public.customer_changes c SET lease_until = now() + p_lease
   WHERE (c.tenant_id, c.id) IN (
     SELECT d.tenant_id, d.id FROM public.customer_changes d
      WHERE d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
      ORDER BY d.next_attempt_at LIMIT p_limit
      FOR UPDATE SKIP LOCKED)
  RETURNING c.tenant_id, c.id, c.customer_id, c.kind, c.actor, c.actor_key_id, c.attempts,
            c.passes, c.email_normalized, c.phone_e164
$$$sql$;
  ALTER FUNCTION claim_customer_changes(integer, interval) OWNER TO aievents_locator;
  REVOKE EXECUTE ON FUNCTION claim_customer_changes(integer, interval) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION claim_customer_changes(integer, interval) TO aievents_matching;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
  EXECUTE 'REVOKE CREATE ON SCHEMA public FROM aievents_locator';
  IF has_function_privilege('public', 'scrub_audit_snapshots(text[])', 'EXECUTE')
     OR has_function_privilege('public', 'claim_customer_changes(integer, interval)', 'EXECUTE')
  THEN
    RAISE EXCEPTION 'PUBLIC may still execute an erasure function';
  END IF;
END
$migration$;
