// The ingest service's view of the matching service. An interface because it is a seam to a
// peer service: batching, retries and fault injection will wrap it.
#ifndef AIEVENTS_SERVICES_INGEST_MATCHING_CLIENT_H_
#define AIEVENTS_SERVICES_INGEST_MATCHING_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/matching_service.grpc.pb.h"
#include "common/rpc/request_context.h"
#include "grpcpp/channel.h"

namespace aievents::ingest {

class MatchingClient {
 public:
  virtual ~MatchingClient() = default;

  // Resolves `lookup` for the caller in `context`, whose credential and request id are
  // forwarded. INVALID_ARGUMENT carries the matching service's field violations.
  virtual absl::StatusOr<v1::MatchCustomerResponse> Match(const RequestContext& context,
                                                          const v1::CustomerLookup& lookup) = 0;

  // The outcome of one lookup of a batch: its match, or INVALID_ARGUMENT naming the lookup's
  // bad fields ("customer_lookup.phone").
  using LookupOutcome = absl::StatusOr<v1::MatchCustomerResponse>;
  using BatchCallback = std::function<void(absl::StatusOr<std::vector<LookupOutcome>>)>;

  // Resolves every lookup in one MatchCustomers call for the tenant of `context`, without
  // blocking: `done` runs once, on a gRPC thread, with one outcome per lookup in order (or
  // the error of the whole call). `done` must not block.
  virtual void MatchBatch(const RequestContext& context, std::vector<v1::CustomerLookup> lookups,
                          BatchCallback done) = 0;
};

// MatchingClient over a gRPC channel.
class GrpcMatchingClient : public MatchingClient {
 public:
  // `target` is host:port; calls time out after `timeout`.
  GrpcMatchingClient(const std::string& target, absl::Duration timeout);

  absl::StatusOr<v1::MatchCustomerResponse> Match(const RequestContext& context,
                                                  const v1::CustomerLookup& lookup) override;
  void MatchBatch(const RequestContext& context, std::vector<v1::CustomerLookup> lookups,
                  BatchCallback done) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::MatchingService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_MATCHING_CLIENT_H_
