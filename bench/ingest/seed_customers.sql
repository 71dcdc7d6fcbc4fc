-- Seeds :count customers into tenant :'tenant' for the ingestion benchmark, in the forms the
-- matching service would store them (checked by the benchmark with one match per rule before
-- it starts). Customer n has:
--   email  customer<n>@bench.example         (email rule)
--   phone  +1555<n, 7 digits>               (phone rule; E.164 as libphonenumber writes it)
--   name   Bench / Person<n>                 (name rule: "bench person<n>")
-- A bulk import straight into the table, as an operator would load a CRM export: going through
-- CreateCustomer would re-match after every insert and take minutes for 100,000 rows.
-- Row-level security binds the owner too: scope this session to the tenant.
SET app.tenant_id = :'tenant';
INSERT INTO customers (tenant_id, id, email, phone, first_name, last_name, email_normalized,
                       phone_e164, name_normalized, email_canonical, phone_national, name_search)
SELECT :'tenant'::uuid, gen_random_uuid(),
       'customer' || n || '@bench.example',
       '+1555' || lpad(n::text, 7, '0'),
       'Bench', 'Person' || n,
       'customer' || n || '@bench.example',
       '+1555' || lpad(n::text, 7, '0'),
       'bench person' || n,
       'customer' || n || '@bench.example',
       '555' || lpad(n::text, 7, '0'),
       'bench person' || n
FROM generate_series(1, :count) AS n;
-- As after a restore: statistics, hint bits and the visibility map, so the first run does not
-- pay for them.
VACUUM (ANALYZE) customers;
