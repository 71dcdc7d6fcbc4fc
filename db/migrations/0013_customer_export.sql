-- Customer export (issue 24, docs/privacy.md): the timeline, the read side, answers
-- GET /v1/customers/{id}:export with the vendor deliveries behind the customer's events, so it
-- reads the inbox too. Reading only: ingest stays the inbox's one writer.
GRANT SELECT ON webhook_deliveries TO aievents_timeline;
