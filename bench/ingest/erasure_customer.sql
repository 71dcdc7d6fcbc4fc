-- One customer with :count events (what a long-lived, busy customer accumulates), stored
-- straight into ai_events as a restore would, for the erasure phase of the bench.
SET app.tenant_id = :'tenant';
INSERT INTO ai_events (tenant_id, id, customer_id, match_method, matched_value, event_type,
                       source, summary, raw_payload, idempotency_key, occurred_at,
                       lookup_email, lookup_email_normalized)
SELECT :'tenant', gen_random_uuid(), :'customer', 'email', :'email', 'phone_call',
       'bench-erasure', 'call ' || g, repeat('transcript of the call ', 20),
       'erasure-' || :'customer' || '-' || g, now() - g * interval '1 second', :'email', :'email'
  FROM generate_series(1, :count) g;
