-- wrk script for POST /v1/ai-events. Environment:
--   BENCH_KEYS       comma-separated API keys, one per bench tenant (requests rotate over them)
--   BENCH_CUSTOMERS  customers seeded per tenant (customer<n>@bench.example, ...)
--   BENCH_MODE       "mix" (default) or "replay"
--   BENCH_RUN        a word that makes this run's idempotency keys unique
-- mix: 35% match by email, 15% by phone, 10% by first + last name, 25% match nobody, 15% replay
-- one of 200 keys (sent again and again: a duplicate delivery). Every other request carries
-- a new idempotency key. replay: every request repeats one of 1,000 keys per tenant that the
-- warm-up stored, so nearly all answers are 200 with Idempotent-Replayed.

local keys = {}
for key in string.gmatch(os.getenv("BENCH_KEYS") or "", "[^,]+") do keys[#keys + 1] = key end
local customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "100000")
local mode = os.getenv("BENCH_MODE") or "mix"
local run = os.getenv("BENCH_RUN") or tostring(os.time())

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
local headers_for = {}

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
  for i, key in ipairs(keys) do
    headers_for[i] = {["Content-Type"] = "application/json", ["x-api-key"] = key}
  end
end

local function body(lookup, key, n)
  return '{"customer_lookup":' .. lookup .. ',"ai_event":{"event_type":"phone_call",' ..
    '"source":"bench","summary":"Customer called about order #' .. n .. '.",' ..
    '"raw_payload":"{\\"duration\\": 245, \\"transcript\\": \\"Hi, I am calling about my order.\\"}",' ..
    '"confidence":0.92,"source_eid":"call-' .. key .. '","idempotency_key":"' .. key .. '",' ..
    '"occurred_at":"2026-03-10T14:30:00Z"}}'
end

function request()
  counter = counter + 1
  local tenant = (counter % #keys) + 1
  local n = math.random(1, customers)
  local pick = math.random(1, 100)
  local key = run .. "-" .. tid .. "-" .. counter
  local lookup
  if mode == "replay" then
    local k = math.random(1, 1000)
    key = "replay-" .. k
    lookup = '{"email":"customer' .. k .. '@bench.example"}'
  elseif pick <= 35 then
    lookup = '{"email":"Customer' .. n .. '@Bench.example"}'
  elseif pick <= 50 then
    lookup = string.format('{"phone":"+1 (555) %03d-%04d"}', math.floor(n / 10000), n % 10000)
  elseif pick <= 60 then
    lookup = '{"first_name":"Bench","last_name":"Person' .. n .. '"}'
  elseif pick <= 85 then
    lookup = '{"email":"nobody' .. n .. '@nowhere.example"}'
  else
    local k = math.random(1, 200)
    key = run .. "-replay-" .. k
    lookup = '{"email":"customer' .. k .. '@bench.example"}'
  end
  return wrk.format("POST", "/v1/ai-events", headers_for[tenant], body(lookup, key, n))
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    "RESULT mode=%s requests=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f " ..
    "max_ms=%.2f non2xx=%d socket_errors=%d\n",
    mode, summary.requests, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
