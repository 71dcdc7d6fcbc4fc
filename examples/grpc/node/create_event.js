// Creates an AI event over gRPC and reads it back: a Node.js client of aievents, with
// @grpc/grpc-js and the protos in proto/ loaded at run time by @grpc/proto-loader.
//   node create_event.js INGEST_HOST:PORT TIMELINE_HOST:PORT API_KEY
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [ingestAddress, timelineAddress, apiKey] = process.argv.slice(2);
const protoRoot = path.resolve(__dirname, '../../../proto');
const definition = protoLoader.loadSync(
  ['aievents/v1/ingest_service.proto', 'aievents/v1/timeline_service.proto'],
  { includeDirs: [protoRoot], keepCase: true, enums: String, defaults: false, oneofs: true },
);
const { v1 } = grpc.loadPackageDefinition(definition).aievents;

function call(client, method, request) {
  const metadata = new grpc.Metadata();
  metadata.set('x-api-key', apiKey);
  const deadline = new Date(Date.now() + 10000);
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

async function main() {
  const ingest = new v1.IngestService(ingestAddress, grpc.credentials.createInsecure());
  const timeline = new v1.TimelineService(timelineAddress, grpc.credentials.createInsecure());
  const summary = 'Customer asked to move the delivery to Friday.';
  const created = await call(ingest, 'CreateEvent', {
    customer_lookup: { email: 'node.client@example.com' },
    ai_event: {
      event_type: 'EVENT_TYPE_CHAT',
      source: 'node-example',
      summary,
      raw_payload: '{}',
      occurred_at: '2026-03-10T14:30:00Z',
      confidence: 0.8,
      idempotency_key: 'node-example-1',
    },
  });
  console.log('created', created.event.id, created.replayed ? 'replayed' : 'new');
  const stored = await call(timeline, 'GetEvent', { id: created.event.id });
  console.log(JSON.stringify(stored));
  if (stored.summary !== summary) throw new Error('read back a different event');
  ingest.close();
  timeline.close();
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
