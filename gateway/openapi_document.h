// The OpenAPI 3.1 description of the HTTP API, generated from what the gateway itself runs on:
// its route table (the google.api.http and aievents.v1.http options) and the request and
// response messages' descriptors, with the protos' comments as descriptions. tools/openapi
// writes it to docs/openapi.json; the gateway serves that file at GET /openapi.json.
#ifndef AIEVENTS_GATEWAY_OPENAPI_DOCUMENT_H_
#define AIEVENTS_GATEWAY_OPENAPI_DOCUMENT_H_

#include <nlohmann/json.hpp>

#include "gateway/route_table.h"
#include "google/protobuf/descriptor.h"

namespace aievents::gateway {

// `comments` holds the same protos with their source info (a descriptor set compiled with
// --include_source_info); elements are found there by full name. May be null: no descriptions.
nlohmann::ordered_json BuildOpenApiDocument(const RouteTable& routes,
                                            const google::protobuf::DescriptorPool* comments);

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_OPENAPI_DOCUMENT_H_
