-- Matching's outbox (issue 23, docs/architecture.md "Outboxes"). A customer change that others
-- must act on is written here in the customer's own transaction, so a change that commits is
-- always acted on and one that rolls back never is. The first kind is the re-match: events
-- left unmatched that the changed customer now matches are linked by ingest. Until now the
-- link was tried once after the commit and, on failure, only logged; now matching's worker
-- carries out every row and retries it until done, across restarts and outages of ingest.
-- A row lives until its work is done: matching then deletes it (the one DELETE a service role
-- holds, on its own queue).
CREATE TABLE customer_changes (
  tenant_id        uuid NOT NULL REFERENCES tenants (id),
  id               uuid NOT NULL,
  customer_id      uuid NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('rematch')),
  -- Who made the change: the links are recorded as theirs, as the first attempt records them.
  actor            text NOT NULL,
  actor_key_id     uuid,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- The request itself tries first, right after its commit; the worker waits this long before
  -- it takes the row (and finds nothing left to link when that attempt succeeded).
  next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp() + interval '5 seconds',
  attempts         integer NOT NULL DEFAULT 0,
  lease_until      timestamptz,
  last_error       text,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX customer_changes_due ON customer_changes (next_attempt_at);

ALTER TABLE customer_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_changes USING (tenant_id = app_tenant())
  WITH CHECK (tenant_id = app_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON customer_changes TO aievents_matching;

-- The worker's claim across tenants, as the webhook inbox's (0004): due rows not leased by
-- another replica, leased for p_lease.
GRANT SELECT, UPDATE (lease_until) ON customer_changes TO aievents_locator;
CREATE POLICY locator_read ON customer_changes FOR SELECT TO aievents_locator USING (true);
CREATE POLICY locator_claim ON customer_changes FOR UPDATE TO aievents_locator
  USING (true) WITH CHECK (true);

CREATE FUNCTION claim_customer_changes(p_limit integer, p_lease interval)
RETURNS TABLE (tenant_id uuid, id uuid, customer_id uuid, actor text, actor_key_id uuid,
               attempts integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  UPDATE public.customer_changes c SET lease_until = now() + p_lease
   WHERE (c.tenant_id, c.id) IN (
     SELECT d.tenant_id, d.id FROM public.customer_changes d
      WHERE d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
      ORDER BY d.next_attempt_at LIMIT p_limit
      FOR UPDATE SKIP LOCKED)
  RETURNING c.tenant_id, c.id, c.customer_id, c.actor, c.actor_key_id, c.attempts
$$;

-- Hand the function to aievents_locator and decide who runs it while a member of that role
-- (only its owner or a member may; see 0006).
DO $$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
BEGIN
  EXECUTE 'GRANT CREATE ON SCHEMA public TO aievents_locator';
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  ALTER FUNCTION claim_customer_changes(integer, interval) OWNER TO aievents_locator;
  REVOKE EXECUTE ON FUNCTION claim_customer_changes(integer, interval) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION claim_customer_changes(integer, interval) TO aievents_matching;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
  EXECUTE 'REVOKE CREATE ON SCHEMA public FROM aievents_locator';
  IF has_function_privilege('public', 'claim_customer_changes(integer, interval)', 'EXECUTE') THEN
    RAISE EXCEPTION 'PUBLIC may still execute claim_customer_changes';
  END IF;
END
$$;
