-- What one row of group commit's insert costs the database itself: the batch insert statement
-- (as prepared by the ingest service, generic plan) for 1,000 rows of tenant :'tenant', timed
-- with EXPLAIN ANALYZE and rolled back. Divide "Execution Time" by 1,000.
--   psql "$DB_URL" -v tenant=UUID -f bench/ingest/insert_cost.sql
-- Row-level security binds the owner too: scope this session to the tenant.
SET app.tenant_id = :'tenant';
SET plan_cache_mode = force_generic_plan;
CREATE TEMP TABLE cost_rows AS
SELECT gen_random_uuid() AS id, c.id AS customer_id, c.email_normalized AS email
FROM generate_series(1, 1000) AS n
JOIN customers c ON c.tenant_id = :'tenant' AND c.email_normalized = 'customer' || n || '@bench.example';
SELECT array_agg(id)::text AS ids, array_agg(customer_id)::text AS customers,
       array_agg(email)::text AS emails, array_agg('k-' || id)::text AS keys,
       array_agg(now())::text AS times, array_agg(NULL::text)::text AS nulls,
       array_agg('email'::text)::text AS methods, array_agg('phone_call'::text)::text AS types,
       array_agg('bench'::text)::text AS sources, array_agg('summary'::text)::text AS summaries,
       array_agg('{"duration": 245}'::text)::text AS payloads,
       array_agg(0.92::float8)::text AS confidences
FROM cost_rows \gset
PREPARE insert_batch(uuid, uuid[], uuid[], text[], text[], text[], text[], text[], text[],
                     float8[], text[], text[], timestamptz[], text[], text[], text[], text[],
                     text[], text[], text[], text[]) AS
INSERT INTO ai_events (tenant_id, id, customer_id, match_method, matched_value, event_type, source,
                       summary, raw_payload, confidence, source_eid, idempotency_key, occurred_at,
                       lookup_email, lookup_phone, lookup_first_name, lookup_last_name,
                       lookup_customer_id, lookup_email_normalized, lookup_phone_e164,
                       lookup_name_normalized)
SELECT $1::uuid, * FROM unnest($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                               $17, $18, $19, $20, $21)
ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
RETURNING id::text, (extract(epoch FROM occurred_at) * 1000000)::bigint,
          (extract(epoch FROM received_at) * 1000000)::bigint;
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)
EXECUTE insert_batch(:'tenant', :'ids', :'customers', :'methods', :'emails', :'types', :'sources',
                     :'summaries', :'payloads', :'confidences', :'nulls', :'keys', :'times',
                     :'emails', :'nulls', :'nulls', :'nulls', :'nulls', :'emails', :'nulls',
                     :'nulls');
ROLLBACK;
