-- Tenants, API keys, customers, AI events and their association history. Every tenant-owned row carries tenant_id and every
-- query filters on it; keys are (tenant_id, id) so a row can only ever be reached with its tenant.

-- Trigram similarity for candidate ranking and customer search; btree_gin so one GIN index
-- can lead with tenant_id. Both are "trusted" extensions: the database owner may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE tenants (
  id          uuid PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Keys are shown once and stored only as a SHA-256 hash (they are 256-bit random, so a slow
-- password hash adds nothing). `prefix` lets an operator recognise a key without revealing it.
CREATE TABLE api_keys (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  key_hash    text NOT NULL UNIQUE,
  prefix      text NOT NULL,
  label       text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

CREATE TABLE customers (
  tenant_id         uuid NOT NULL REFERENCES tenants (id),
  id                uuid NOT NULL,
  email             text,
  phone             text,
  first_name        text,
  last_name         text,
  email_normalized  text,
  phone_e164        text,
  name_normalized   text,
  -- Near-match keys for candidates: the email without dots and +tag in the local part, and
  -- the phone's national significant number (no country code).
  email_canonical   text,
  phone_national    text,
  -- Accent-free, case-folded name (whatever parts exist), for similarity and search.
  name_search       text,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, id)
);
-- One index per matching rule, ordered so "the oldest match" is the first index entry.
CREATE INDEX customers_by_email ON customers (tenant_id, email_normalized, created_at, id)
  WHERE email_normalized IS NOT NULL;
CREATE INDEX customers_by_phone ON customers (tenant_id, phone_e164, created_at, id)
  WHERE phone_e164 IS NOT NULL;
CREATE INDEX customers_by_name ON customers (tenant_id, name_normalized, created_at, id)
  WHERE name_normalized IS NOT NULL;
CREATE INDEX customers_by_email_canonical ON customers (tenant_id, email_canonical)
  WHERE email_canonical IS NOT NULL;
CREATE INDEX customers_by_phone_national ON customers (tenant_id, phone_national)
  WHERE phone_national IS NOT NULL;
-- Similar names, and substring search over name, email and phone.
CREATE INDEX customers_name_trgm ON customers USING gin (tenant_id, name_search gin_trgm_ops);
CREATE INDEX customers_email_trgm ON customers USING gin (tenant_id, email_normalized gin_trgm_ops);
CREATE INDEX customers_phone_trgm ON customers USING gin (tenant_id, phone_e164 gin_trgm_ops);

CREATE TABLE ai_events (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL,
  customer_id        uuid,
  match_method       text NOT NULL CHECK (match_method IN ('none', 'customer_id', 'email', 'phone', 'name', 'manual', 'auto')),
  matched_value      text,
  event_type         text NOT NULL,
  source             text NOT NULL,
  summary            text NOT NULL,
  raw_payload        text NOT NULL,
  confidence         double precision CHECK (confidence BETWEEN 0 AND 1),
  source_eid         text,
  idempotency_key    text NOT NULL,
  occurred_at        timestamptz NOT NULL,
  received_at        timestamptz NOT NULL DEFAULT now(),
  -- The lookup exactly as sent, and normalized (for re-matching unmatched events later).
  lookup_email       text,
  lookup_phone       text,
  lookup_first_name  text,
  lookup_last_name   text,
  lookup_customer_id text,
  lookup_email_normalized text,
  lookup_phone_e164       text,
  lookup_name_normalized  text,
  PRIMARY KEY (tenant_id, id),
  -- The idempotency guarantee: one row per key per tenant, enforced by the database.
  CONSTRAINT ai_events_idempotency UNIQUE (tenant_id, idempotency_key),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
-- Timeline reads, each the exact order of its keyset pagination: a customer's events newest
-- first, the unmatched queue newest received first, and all events newest received first.
CREATE INDEX ai_events_customer_timeline ON ai_events (tenant_id, customer_id, occurred_at DESC, id DESC)
  WHERE customer_id IS NOT NULL;
CREATE INDEX ai_events_customer_timeline_by_type
  ON ai_events (tenant_id, customer_id, event_type, occurred_at DESC, id DESC)
  WHERE customer_id IS NOT NULL;
CREATE INDEX ai_events_unmatched ON ai_events (tenant_id, received_at DESC, id DESC)
  WHERE customer_id IS NULL;
CREATE INDEX ai_events_received ON ai_events (tenant_id, received_at DESC, id DESC);
-- Re-matching: the unmatched events a new or changed customer may now match.
CREATE INDEX ai_events_unmatched_by_email ON ai_events (tenant_id, lookup_email_normalized)
  WHERE customer_id IS NULL;
CREATE INDEX ai_events_unmatched_by_phone ON ai_events (tenant_id, lookup_phone_e164)
  WHERE customer_id IS NULL;
CREATE INDEX ai_events_unmatched_by_name ON ai_events (tenant_id, lookup_name_normalized)
  WHERE customer_id IS NULL;

-- Every change of an event's customer after it was stored: manual associations and automatic
-- re-matches, with who made them.
CREATE TABLE ai_event_associations (
  tenant_id         uuid NOT NULL,
  id                uuid NOT NULL,
  event_id          uuid NOT NULL,
  from_customer_id  uuid,
  to_customer_id    uuid NOT NULL,
  method            text NOT NULL CHECK (method IN ('manual', 'auto')),
  actor_key_id      uuid,
  actor             text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, event_id) REFERENCES ai_events (tenant_id, id),
  FOREIGN KEY (tenant_id, to_customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX ai_event_associations_by_event ON ai_event_associations (tenant_id, event_id, created_at, id);

-- Vendor webhook sources. The URL token is stored only as a hash; the signing secret must be
-- readable to verify signatures, and the previous one stays valid for a day after a rotation.
CREATE TABLE webhook_sources (
  tenant_id                   uuid NOT NULL REFERENCES tenants (id),
  id                          uuid NOT NULL,
  vendor                      text NOT NULL CHECK (vendor IN ('agntix', 'whippy', 'sipgate')),
  label                       text NOT NULL DEFAULT '',
  token_hash                  text NOT NULL UNIQUE,
  token_prefix                text NOT NULL,
  signing_secret              text,
  previous_signing_secret     text,
  previous_secret_expires_at  timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT clock_timestamp(),
  disabled_at                 timestamptz,
  PRIMARY KEY (tenant_id, id)
);

-- The durable inbox: every accepted delivery, committed before the vendor gets its 2xx, kept
-- with its raw bytes. One row per vendor message per source: redeliveries change nothing.
CREATE TABLE webhook_deliveries (
  tenant_id     uuid NOT NULL,
  id            uuid NOT NULL,
  source_id     uuid NOT NULL,
  vendor        text NOT NULL,
  message_id    text NOT NULL,
  event_type    text,
  call_key      text,
  body          bytea NOT NULL,
  headers       jsonb NOT NULL DEFAULT '{}',
  received_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  status        text NOT NULL CHECK (status IN ('pending', 'processed', 'failed', 'rejected', 'ignored')),
  error         text,
  attempts      integer NOT NULL DEFAULT 0,
  processed_at  timestamptz,
  event_id      uuid,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT webhook_deliveries_once UNIQUE (tenant_id, source_id, message_id),
  FOREIGN KEY (tenant_id, source_id) REFERENCES webhook_sources (tenant_id, id)
);
CREATE INDEX webhook_deliveries_by_call ON webhook_deliveries (tenant_id, call_key, received_at)
  WHERE call_key IS NOT NULL;
CREATE INDEX webhook_deliveries_listing ON webhook_deliveries (tenant_id, received_at DESC, id DESC);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (received_at) WHERE status = 'pending';

-- Live timelines: a notification for every event that gets (or changes) a customer, sent by
-- PostgreSQL at commit, whichever service wrote it. Payload "tenant:customer:event".
CREATE FUNCTION ai_events_notify_timeline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('aievents_timeline', NEW.tenant_id || ':' || NEW.customer_id || ':' || NEW.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER ai_events_notify_insert AFTER INSERT ON ai_events
  FOR EACH ROW WHEN (NEW.customer_id IS NOT NULL) EXECUTE FUNCTION ai_events_notify_timeline();
CREATE TRIGGER ai_events_notify_update AFTER UPDATE OF customer_id ON ai_events
  FOR EACH ROW WHEN (NEW.customer_id IS NOT NULL AND NEW.customer_id IS DISTINCT FROM OLD.customer_id)
  EXECUTE FUNCTION ai_events_notify_timeline();
