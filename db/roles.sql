-- The database roles of a local setup (`make up`, the test harness), created once per cluster
-- by a superuser (docs/operations.md, Database roles):
--   aievents_app       what every service may do (granted by the migrations); cannot log in
--   aievents_locator   owns the SECURITY DEFINER lookup functions; cannot log in
--   aievents_ingest    \
--   aievents_matching   > each service's login, holding only what that service does
--   aievents_timeline  /  (granted by migration 0006); each owns nothing
-- Run with psql -v ON_ERROR_STOP=1 -f db/roles.sql. Safe to run again.
DO $$
DECLARE
  r text;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents_app') THEN
    CREATE ROLE aievents_app NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents_locator') THEN
    CREATE ROLE aievents_locator NOLOGIN;
  END IF;
  FOREACH r IN ARRAY ARRAY['aievents_ingest', 'aievents_matching', 'aievents_timeline'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I LOGIN IN ROLE aievents_app', r);
    ELSE
      -- A migration may have made it first, without LOGIN.
      EXECUTE format('ALTER ROLE %I LOGIN', r);
    END IF;
  END LOOP;
END
$$;
