-- Isolation in depth (docs/security.md). Until now every query filtered on its tenant and
-- nothing else stopped one that forgot. From here PostgreSQL itself refuses: row-level
-- security is enabled and forced on every tenant-owned table, and a row is visible only to a
-- transaction scoped to its tenant (app.tenant_id, which PgPool sets for every tenant-scoped
-- transaction). A query without a tenant finds nothing.
--
-- Roles. These migrations run as the tables' owner. The services connect as a login role that
-- is a member of aievents_app: it owns nothing, does not bypass row-level security, and holds
-- only the privileges granted below. The few lookups that must find a tenant before one is
-- known (an API key, a webhook URL token, the inbox worker's pending deliveries) go through
-- narrow SECURITY DEFINER functions owned by aievents_locator, a role that cannot log in and
-- may read only what those functions return.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents_app') THEN
    CREATE ROLE aievents_app NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents_locator') THEN
    CREATE ROLE aievents_locator NOLOGIN;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'roles aievents_app and aievents_locator do not exist and % may not create them',
    current_user
    USING HINT = 'create them once as a superuser: CREATE ROLE aievents_app NOLOGIN; '
                 'CREATE ROLE aievents_locator NOLOGIN; (docs/operations.md)';
END
$$;

-- The tenant the current transaction is scoped to, or NULL (then every policy is false).
CREATE FUNCTION app_tenant() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

-- API keys: scopes, rotation and use.
-- Keys made before scopes existed could do everything; they keep that (revoke and replace them
-- with narrower keys).
ALTER TABLE api_keys ADD COLUMN scopes text[] NOT NULL DEFAULT '{}';
UPDATE api_keys SET scopes = ARRAY['events:write', 'events:read', 'events:associate',
  'customers:read', 'customers:write', 'webhooks:admin', 'keys:admin'];
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
ALTER TABLE api_keys ADD COLUMN rotated_from uuid;
CREATE INDEX api_keys_listing ON api_keys (tenant_id, created_at DESC, id DESC);

-- The audit trail: one row per administrative action, written in the same transaction as the
-- action itself, so an action and its record commit together or not at all. Append-only: the
-- services may insert and read, never change or delete (see the grants below).
CREATE TABLE audit_events (
  tenant_id     uuid NOT NULL,
  id            uuid NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_key_id  uuid,
  actor         text NOT NULL,
  action        text NOT NULL,
  target_type   text NOT NULL,
  target_id     text NOT NULL,
  before        jsonb,
  after         jsonb,
  request_id    text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_events_listing ON audit_events (tenant_id, created_at DESC, id DESC);
CREATE INDEX audit_events_by_target ON audit_events (tenant_id, target_id, created_at DESC, id DESC);

-- Row-level security on every tenant-owned table, forced so that it binds the owner too.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants USING (id = app_tenant()) WITH CHECK (id = app_tenant());

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['api_keys', 'customers', 'ai_events', 'ai_event_associations',
                           'webhook_sources', 'webhook_deliveries', 'audit_events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant())'
                   ' WITH CHECK (tenant_id = app_tenant())', t);
  END LOOP;
END
$$;

-- What the services may do. No DELETE anywhere: nothing in the suite deletes rows.
GRANT USAGE ON SCHEMA public TO aievents_app;
GRANT SELECT ON tenants TO aievents_app;
GRANT SELECT, INSERT, UPDATE ON api_keys, customers, ai_events, ai_event_associations,
  webhook_sources, webhook_deliveries TO aievents_app;
GRANT SELECT, INSERT ON audit_events TO aievents_app;
GRANT EXECUTE ON FUNCTION app_tenant() TO aievents_app;

-- What the lookup functions may see: every tenant's rows of these three tables, nothing else.
GRANT USAGE ON SCHEMA public TO aievents_locator;
GRANT SELECT ON api_keys, webhook_sources, webhook_deliveries TO aievents_locator;
GRANT UPDATE (last_used_at) ON api_keys TO aievents_locator;
CREATE POLICY locator_read ON api_keys FOR SELECT TO aievents_locator USING (true);
CREATE POLICY locator_touch ON api_keys FOR UPDATE TO aievents_locator USING (true) WITH CHECK (true);
CREATE POLICY locator_read ON webhook_sources FOR SELECT TO aievents_locator USING (true);
CREATE POLICY locator_read ON webhook_deliveries FOR SELECT TO aievents_locator USING (true);

-- The key behind a secret's hash, when it is active, with its tenant and scopes. Records the
-- use to the minute (one write per key per minute at most: listings show "last used").
CREATE FUNCTION authenticate_api_key(p_key_hash text)
RETURNS TABLE (id uuid, tenant_id uuid, prefix text, scopes text[], expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  UPDATE public.api_keys k SET last_used_at = date_trunc('minute', now())
   WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL
     AND (k.last_used_at IS NULL OR k.last_used_at < date_trunc('minute', now()));
  RETURN QUERY
    SELECT k.id, k.tenant_id, k.prefix, k.scopes, k.expires_at FROM public.api_keys k
     WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL
       AND (k.expires_at IS NULL OR k.expires_at > now());
END
$$;

-- The webhook source behind a URL token's hash, with the secrets that verify its signatures
-- now (the previous one only until it expires).
CREATE FUNCTION webhook_source_for_token(p_token_hash text)
RETURNS TABLE (tenant_id uuid, id uuid, vendor text, signing_secret text,
               previous_signing_secret text, disabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT s.tenant_id, s.id, s.vendor, s.signing_secret,
         CASE WHEN s.previous_secret_expires_at > now() THEN s.previous_signing_secret END,
         s.disabled_at IS NOT NULL
    FROM public.webhook_sources s WHERE s.token_hash = p_token_hash
$$;

-- The inbox worker's view across tenants: which deliveries wait (ids only; the worker then
-- reads and processes each one scoped to its tenant).
CREATE FUNCTION pending_webhook_deliveries(p_min_age interval, p_limit integer)
RETURNS TABLE (tenant_id uuid, id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT d.tenant_id, d.id FROM public.webhook_deliveries d
   WHERE d.status = 'pending' AND d.received_at < now() - p_min_age
   ORDER BY d.received_at LIMIT p_limit
$$;

-- Handing a function to aievents_locator needs membership in it and its CREATE privilege on
-- the schema; the migrating role holds the membership only for as long as that takes, unless
-- it was a member before (a DBA granted it).
GRANT CREATE ON SCHEMA public TO aievents_locator;
DO $$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
BEGIN
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  ALTER FUNCTION authenticate_api_key(text) OWNER TO aievents_locator;
  ALTER FUNCTION webhook_source_for_token(text) OWNER TO aievents_locator;
  ALTER FUNCTION pending_webhook_deliveries(interval, integer) OWNER TO aievents_locator;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
END
$$;
REVOKE CREATE ON SCHEMA public FROM aievents_locator;
REVOKE EXECUTE ON FUNCTION authenticate_api_key(text), webhook_source_for_token(text),
  pending_webhook_deliveries(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION authenticate_api_key(text), webhook_source_for_token(text),
  pending_webhook_deliveries(interval, integer) TO aievents_app;
