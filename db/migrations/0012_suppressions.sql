-- Suppression (issue 24, docs/privacy.md): an erasure with ?suppress=true keeps the person out
-- from then on. Matching stores keyed hashes of their normalized email and phone (HMAC-SHA256
-- under the deployment's suppression key, which is not in the database, so the table alone
-- cannot be turned back into the values by trying every phone number); its batch match checks
-- each lookup's hashes in the same round trip, and ingest stores nothing for a suppressed one.
CREATE TABLE suppressions (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  hash         text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  kind         text NOT NULL CHECK (kind IN ('email', 'phone')),
  customer_id  uuid NOT NULL,  -- the erased customer it came from (an id only)
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor        text NOT NULL,
  actor_key_id uuid,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),  -- the listing's tie-breaker
  PRIMARY KEY (tenant_id, hash)
);
CREATE INDEX suppressions_listing ON suppressions (tenant_id, created_at DESC, id DESC);
ALTER TABLE suppressions ENABLE ROW LEVEL SECURITY;
ALTER TABLE suppressions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON suppressions USING (tenant_id = app_tenant())
  WITH CHECK (tenant_id = app_tenant());
-- Matching writes it (erasure adds, an operator lifts) and reads it on every batch match.
GRANT SELECT, INSERT, DELETE ON suppressions TO aievents_matching;
