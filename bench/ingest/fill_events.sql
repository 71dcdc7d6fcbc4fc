-- Bulk-loads :count events into tenant :'tenant' (straight SQL, as a restore would), so the
-- benchmark can compare ingestion on an empty table with ingestion on a full one. Half match
-- one of :customers seeded customers by email, half match nobody; keys are unique per row.
-- Like a restore, it skips the live-timeline notifications (the trigger is off for this
-- transaction only; the lock that takes makes ingestion wait meanwhile).
-- Row-level security binds the owner too: scope this session to the tenant.
SET app.tenant_id = :'tenant';
BEGIN;
ALTER TABLE ai_events DISABLE TRIGGER ai_events_notify_insert;
INSERT INTO ai_events (tenant_id, id, customer_id, match_method, matched_value, event_type, source,
                       summary, raw_payload, confidence, source_eid, idempotency_key, occurred_at,
                       received_at, lookup_email, lookup_email_normalized)
SELECT :'tenant'::uuid, gen_random_uuid(),
       CASE WHEN n % 2 = 0 THEN c.id END,
       CASE WHEN n % 2 = 0 THEN 'email' ELSE 'none' END,
       CASE WHEN n % 2 = 0 THEN c.email_normalized END,
       'phone_call', 'bench-fill', 'Customer called about order #' || n || '.',
       '{"duration": 245, "transcript": "Hi, I am calling about my order."}', 0.92,
       'call-fill-' || n, 'fill-' || gen_random_uuid(),
       now() - make_interval(secs => n), now() - make_interval(secs => n),
       'customer' || (n % :customers + 1) || '@bench.example',
       'customer' || (n % :customers + 1) || '@bench.example'
FROM generate_series(1, :count) AS n
LEFT JOIN customers c
  ON c.tenant_id = :'tenant'::uuid AND c.email_normalized = 'customer' || (n % :customers + 1) || '@bench.example';
ALTER TABLE ai_events ENABLE TRIGGER ai_events_notify_insert;
COMMIT;
