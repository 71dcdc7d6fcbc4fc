-- What storing one event costs the database when every event is its own transaction: the
-- tenant setting, the email match (the customers_match query's first rule), and the insert
-- with ON CONFLICT DO NOTHING. pgbench -M prepared -D tenant=UUID -D customers=N. Half of the
-- lookups match a customer, half match nobody (as in the HTTP mix).
\set n random(1, 2 * :customers)
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT coalesce((SELECT c.id::text FROM customers c
                 WHERE c.tenant_id = :tenant::uuid
                   AND c.email_normalized = 'customer' || :n || '@bench.example'
                 ORDER BY c.created_at, c.id LIMIT 1), '') AS customer \gset
INSERT INTO ai_events (tenant_id, id, customer_id, match_method, matched_value, event_type,
                       source, summary, raw_payload, confidence, source_eid, idempotency_key,
                       occurred_at, lookup_email, lookup_email_normalized)
VALUES (:tenant::uuid, gen_random_uuid(), NULLIF(:customer, '')::uuid,
        CASE WHEN :customer = '' THEN 'none' ELSE 'email' END,
        CASE WHEN :customer = '' THEN NULL ELSE 'customer' || :n || '@bench.example' END,
        'phone_call', 'pgbench', 'Customer called about order #' || :n || '.',
        '{"duration": 245, "transcript": "Hi, I am calling about my order."}', 0.92,
        'call-pgbench', 'pgbench-' || gen_random_uuid(), '2026-03-10T14:30:00Z',
        'customer' || :n || '@bench.example', 'customer' || :n || '@bench.example')
ON CONFLICT (tenant_id, idempotency_key) DO NOTHING;
COMMIT;
