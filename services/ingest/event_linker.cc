#include "services/ingest/event_linker.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/runtime/status_macros.h"
#include "common/text/ids.h"

namespace aievents::ingest {

absl::StatusOr<v1::AiEvent> EventLinker::Associate(const RequestContext& context,
                                                   const v1::AssociateEventRequest& request) {
  std::vector<FieldViolation> violations;
  if (!IsUuid(request.id())) violations.push_back({"id", "must be a UUID"});
  if (request.customer_id().empty()) {
    violations.push_back({"customer_id", "is required"});
  } else if (!IsUuid(request.customer_id())) {
    violations.push_back({"customer_id", "must be a UUID"});
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  return links_->Associate(context, request.id(), request.customer_id());
}

absl::StatusOr<v1::LinkUnmatchedEventsResponse> EventLinker::LinkUnmatched(
    const RequestContext& context, const v1::LinkUnmatchedEventsRequest& request) {
  if (request.links_size() > kMaxLinks) {
    return InvalidArgumentWithViolations(
        {{"links", absl::StrCat("must have at most ", kMaxLinks, " entries")}});
  }
  std::vector<FieldViolation> violations;
  for (int i = 0; i < request.links_size(); ++i) {
    const v1::EventLink& link = request.links(i);
    if (!IsUuid(link.event_id())) {
      violations.push_back({absl::StrCat("links[", i, "].event_id"), "must be a UUID"});
    }
    if (!IsUuid(link.customer_id())) {
      violations.push_back({absl::StrCat("links[", i, "].customer_id"), "must be a UUID"});
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  std::vector<v1::EventLink> links(request.links().begin(), request.links().end());
  v1::LinkUnmatchedEventsResponse response;
  AIEV_ASSIGN_OR_RETURN(
      int linked, links_->LinkUnmatched(
                      context.tenant_id, links,
                      Actor{context.key_id, absl::StrCat("auto-rematch by ", context.key_prefix)}));
  response.set_linked(linked);
  return response;
}

}  // namespace aievents::ingest
