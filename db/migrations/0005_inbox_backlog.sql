-- The inbox backlog as a metric (aievents_webhook_inbox_backlog, docs/operations.md): how many
-- deliveries wait to be processed, across tenants, and how long the oldest has waited. Only
-- numbers leave the function, never a tenant's rows, so the services may call it although
-- row-level security hides other tenants' deliveries from them. The partial index
-- webhook_deliveries_pending keeps it cheap.
CREATE FUNCTION webhook_inbox_backlog()
RETURNS TABLE (pending bigint, oldest_seconds double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT count(*), coalesce(extract(epoch FROM now() - min(received_at)), 0)::double precision
    FROM public.webhook_deliveries WHERE status = 'pending'
$$;

DO $$
DECLARE
  was_member boolean := pg_has_role(current_user, 'aievents_locator', 'MEMBER');
BEGIN
  EXECUTE 'GRANT CREATE ON SCHEMA public TO aievents_locator';
  IF NOT was_member THEN
    EXECUTE format('GRANT aievents_locator TO %I', current_user);
  END IF;
  ALTER FUNCTION webhook_inbox_backlog() OWNER TO aievents_locator;
  IF NOT was_member THEN
    EXECUTE format('REVOKE aievents_locator FROM %I', current_user);
  END IF;
  EXECUTE 'REVOKE CREATE ON SCHEMA public FROM aievents_locator';
END
$$;
REVOKE EXECUTE ON FUNCTION webhook_inbox_backlog() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION webhook_inbox_backlog() TO aievents_app;
