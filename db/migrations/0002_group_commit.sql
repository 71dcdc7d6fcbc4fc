-- Group commit stores events many rows per statement; each row's own costs are now what limits
-- ingestion. Measured with EXPLAIN ANALYZE of a 1,000-row batch insert on the 2-core
-- development machine (docs/performance.md): the tenant foreign key, the per-row notify
-- trigger and the unmatched-key indexes on rows that lack the key were a third of it.

-- The tenant foreign key locked the tenant's row for every event: a share lock on one hot row
-- that every concurrent commit of the tenant takes (multixacts, WAL for each lock). Events are
-- written only by the ingest service, for the tenant of an authenticated key, and tenants are
-- never deleted, so the row always exists. (The customer foreign key stays: its rows are many,
-- and it guards the link that matching and association maintain.)
ALTER TABLE ai_events DROP CONSTRAINT ai_events_tenant_id_fkey;

-- Re-matching looks unmatched events up by a key they have; an event without that key never
-- needs an entry in that key's index.
DROP INDEX ai_events_unmatched_by_email;
DROP INDEX ai_events_unmatched_by_phone;
DROP INDEX ai_events_unmatched_by_name;
CREATE INDEX ai_events_unmatched_by_email ON ai_events (tenant_id, lookup_email_normalized)
  WHERE customer_id IS NULL AND lookup_email_normalized IS NOT NULL;
CREATE INDEX ai_events_unmatched_by_phone ON ai_events (tenant_id, lookup_phone_e164)
  WHERE customer_id IS NULL AND lookup_phone_e164 IS NOT NULL;
CREATE INDEX ai_events_unmatched_by_name ON ai_events (tenant_id, lookup_name_normalized)
  WHERE customer_id IS NULL AND lookup_name_normalized IS NOT NULL;

-- Live timelines: one trigger call per INSERT statement over the rows it inserted, instead of
-- one PL/pgSQL call per row. The notification per event (payload "tenant:customer:event") is
-- unchanged, and so is the per-row trigger for association and re-matching updates (a
-- column-specific UPDATE trigger cannot have a transition table).
DROP TRIGGER ai_events_notify_insert ON ai_events;
CREATE FUNCTION ai_events_notify_timeline_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('aievents_timeline', n.tenant_id || ':' || n.customer_id || ':' || n.id)
  FROM inserted n WHERE n.customer_id IS NOT NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER ai_events_notify_insert AFTER INSERT ON ai_events
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION ai_events_notify_timeline_inserted();
