-- A database role per service (docs/architecture.md, "Who owns what"). Until now every
-- service logged in as one role holding INSERT and UPDATE on every tenant table, so "each
-- table has one writer" held by convention only. From here each service logs in as its own
-- role (or as a login that is a member of it), and PostgreSQL refuses a write to a table the
-- service does not own:
--
--   aievents_ingest    writes ai_events, ai_event_associations (append only), webhook_sources,
--                      webhook_deliveries; reads customers (does one exist, before a link)
--   aievents_matching  writes customers; reads ai_events (a stored event's lookup, re-matching)
--   aievents_timeline  reads ai_events, ai_event_associations, customers; writes api_keys and
--                      reads the audit trail for the AccessService it hosts
--
-- Every service appends to audit_events (INSERT only; only the timeline reads it back).
-- aievents_app keeps what all three share: the schema, app_tenant() and the API key lookup.
-- No role may DELETE or TRUNCATE anything: no feature deletes rows yet (0007 gives matching
-- DELETE on its own outbox, a queue). Row-level security stays enabled and forced (0003):
-- these grants decide which tables, the policies which rows.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['aievents_ingest', 'aievents_matching', 'aievents_timeline'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
    EXECUTE format('GRANT aievents_app TO %I', r);
  END LOOP;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'the service roles do not exist and % may not create them', current_user
    USING HINT = 'create them once as a superuser with db/roles.sql, or give the migrating '
                 'role CREATEROLE (docs/operations.md, Database roles)';
END
$$;

-- What every service had; from here only what all of them need stays on aievents_app.
REVOKE ALL ON tenants, api_keys, customers, ai_events, ai_event_associations, webhook_sources,
  webhook_deliveries, audit_events FROM aievents_app;

-- ingest: events, their history, the webhook sources and the delivery inbox.
GRANT SELECT, INSERT, UPDATE ON ai_events, webhook_sources, webhook_deliveries
  TO aievents_ingest;
GRANT SELECT, INSERT ON ai_event_associations TO aievents_ingest;
GRANT SELECT ON customers TO aievents_ingest;
GRANT INSERT ON audit_events TO aievents_ingest;

-- matching: customers.
GRANT SELECT, INSERT, UPDATE ON customers TO aievents_matching;
GRANT SELECT ON ai_events TO aievents_matching;
GRANT INSERT ON audit_events TO aievents_matching;

-- timeline: reads, and the AccessService it hosts (keys: create, revoke, rotate; the audit
-- trail's reader). A key's hash, tenant and creation never change once written.
GRANT SELECT ON ai_events, ai_event_associations, customers TO aievents_timeline;
GRANT SELECT, INSERT ON api_keys, audit_events TO aievents_timeline;
GRANT UPDATE (revoked_at, expires_at) ON api_keys TO aievents_timeline;

-- Who may run the lookup functions. Only their owner (aievents_locator) or a member of it may
-- grant or revoke EXECUTE on them; anyone else gets a WARNING and nothing changes. Migrations
-- 0003 to 0005 ran their REVOKE ... FROM PUBLIC after giving up that membership, so unless a
-- superuser migrated, PUBLIC kept EXECUTE. Here the migrating role holds the membership for the
-- statements that need it (as 0003 did for the ownership), and the result is checked.
DO $$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
  leaked text;
BEGIN
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  REVOKE EXECUTE ON FUNCTION authenticate_api_key(text), webhook_source_for_token(text),
    claim_webhook_deliveries(interval, integer, interval), webhook_inbox_backlog()
    FROM PUBLIC, aievents_app;
  -- Every service authenticates API keys; only ingest finds webhook sources and works the inbox.
  GRANT EXECUTE ON FUNCTION authenticate_api_key(text) TO aievents_app;
  GRANT EXECUTE ON FUNCTION webhook_source_for_token(text),
    claim_webhook_deliveries(interval, integer, interval), webhook_inbox_backlog()
    TO aievents_ingest;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
  SELECT string_agg(p.oid::regprocedure::text, ', ') INTO leaked
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'public' AND p.prosecdef
     AND has_function_privilege('public', p.oid, 'EXECUTE');
  IF leaked IS NOT NULL THEN
    RAISE EXCEPTION 'PUBLIC may still execute %', leaked;
  END IF;
END
$$;
