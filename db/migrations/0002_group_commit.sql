-- Group commit stores events many rows per statement; each row's own costs are now what limits
-- ingestion. Measured with EXPLAIN ANALYZE of a 1,000-row batch insert on the 2-core
-- development machine (docs/performance.md): the tenant foreign key, the per-row notify
-- trigger and the unmatched-key indexes on rows that lack the key were a third of it.

-- Each foreign key of ai_events locked its parent row for every event: a row lock is a WAL
-- record and a dirtied page of the parent table, and a row that concurrent commits lock
-- together becomes a multixact. The tenant's row is locked by every commit of the tenant; a
-- customer's by every event matched to it. Neither check protects anything the code does not
-- already ensure: events are written only for the tenant of an authenticated key; every
-- customer_id written comes from a customer read in the same operation (matching's query,
-- association's existence check, re-matching's query); and tenants and customers are never
-- deleted (a deletion feature must unlink or remove their events first; see
-- docs/matching-and-idempotency.md). ai_event_associations keeps its foreign keys: it is not on the hot path.
ALTER TABLE ai_events DROP CONSTRAINT ai_events_tenant_id_fkey;
ALTER TABLE ai_events DROP CONSTRAINT ai_events_tenant_id_customer_id_fkey;

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
