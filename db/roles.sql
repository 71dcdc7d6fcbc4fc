-- The database roles of a local setup (`make up`, the test harness), created once per cluster
-- by a superuser (docs/security.md):
--   aievents_app      what the services may do (granted by the migrations); cannot log in
--   aievents_locator  owns the SECURITY DEFINER lookup functions; cannot log in
--   aievents_service  the services' login: a member of aievents_app, owns nothing
-- Run with psql -v ON_ERROR_STOP=1 -f db/roles.sql. Safe to run again.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents_app') THEN
    CREATE ROLE aievents_app NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents_locator') THEN
    CREATE ROLE aievents_locator NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aievents_service') THEN
    CREATE ROLE aievents_service LOGIN IN ROLE aievents_app;
  END IF;
END
$$;
