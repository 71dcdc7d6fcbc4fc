#!/usr/bin/env python3
"""Creates an AI event over gRPC and reads it back: a Python client of aievents.

Uses Debian's python3-grpcio and python3-protobuf, and message classes generated from proto/
by protoc (run.sh does it). The RPCs are called by their paths, so no generated service stubs
(grpcio-tools) are needed.

    create_event.py INGEST_HOST:PORT TIMELINE_HOST:PORT API_KEY
"""
import sys

import grpc
from google.protobuf import json_format

from aievents.v1 import ingest_service_pb2, timeline_service_pb2, ai_event_pb2


def main() -> int:
    ingest_address, timeline_address, api_key = sys.argv[1:4]
    metadata = (("x-api-key", api_key),)

    request = ingest_service_pb2.CreateEventRequest()
    request.customer_lookup.email = "python.client@example.com"
    event = request.ai_event
    event.event_type = ai_event_pb2.EVENT_TYPE_PHONE_CALL
    event.source = "python-example"
    event.summary = "Customer called about delayed shipment for order #789."
    event.raw_payload = '{"duration": 245}'
    event.occurred_at = "2026-03-10T14:30:00Z"
    event.idempotency_key = "python-example-1"

    with grpc.insecure_channel(ingest_address) as channel:
        create = channel.unary_unary(
            "/aievents.v1.IngestService/CreateEvent",
            request_serializer=ingest_service_pb2.CreateEventRequest.SerializeToString,
            response_deserializer=ingest_service_pb2.CreateEventResponse.FromString,
        )
        created = create(request, metadata=metadata, timeout=10)
    print("created", created.event.id, "replayed" if created.replayed else "new")

    with grpc.insecure_channel(timeline_address) as channel:
        get = channel.unary_unary(
            "/aievents.v1.TimelineService/GetEvent",
            request_serializer=timeline_service_pb2.GetEventRequest.SerializeToString,
            response_deserializer=ai_event_pb2.AiEvent.FromString,
        )
        stored = get(timeline_service_pb2.GetEventRequest(id=created.event.id),
                     metadata=metadata, timeout=10)
    print(json_format.MessageToJson(stored, preserving_proto_field_name=True, indent=None))
    if stored.summary != event.summary:
        print("read back a different event", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
