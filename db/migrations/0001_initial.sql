-- Tenants, API keys, customers and AI events. Every tenant-owned row carries tenant_id and every
-- query filters on it; keys are (tenant_id, id) so a row can only ever be reached with its tenant.

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

CREATE TABLE ai_events (
  tenant_id          uuid NOT NULL REFERENCES tenants (id),
  id                 uuid NOT NULL,
  customer_id        uuid,
  match_method       text NOT NULL CHECK (match_method IN ('none', 'email', 'phone', 'name', 'manual', 'auto')),
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
  lookup_email_normalized text,
  lookup_phone_e164       text,
  lookup_name_normalized  text,
  PRIMARY KEY (tenant_id, id),
  -- The idempotency guarantee: one row per key per tenant, enforced by the database.
  CONSTRAINT ai_events_idempotency UNIQUE (tenant_id, idempotency_key),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
-- Timeline reads: a customer's events newest first, and the unmatched queue newest first.
CREATE INDEX ai_events_customer_timeline ON ai_events (tenant_id, customer_id, occurred_at DESC, id DESC)
  WHERE customer_id IS NOT NULL;
CREATE INDEX ai_events_unmatched ON ai_events (tenant_id, received_at DESC, id DESC)
  WHERE customer_id IS NULL;
