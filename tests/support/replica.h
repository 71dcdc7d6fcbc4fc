// A second copy of every process of the suite (matching, ingest, timeline, gateway) on the
// suite's database, with settings of its own: what another set of replicas in a deployment
// would be. For tests of what must hold across replicas (revocation) or of settings the shared
// suite does not use (rate limits).
#ifndef AIEVENTS_TESTS_SUPPORT_REPLICA_H_
#define AIEVENTS_TESTS_SUPPORT_REPLICA_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "tests/support/suite.h"

namespace aievents::testing {

class Replica {
 public:
  // Starts from the suite's service settings, changed by `adjust`; aborts on failure.
  static std::unique_ptr<Replica> Start(const Suite& suite,
                                        const std::function<void(ServiceConfig&)>& adjust);
  ~Replica();

  int gateway_port() const { return gateway_->port(); }
  int ingest_port() const { return ingest_->grpc_port(); }

  // HTTP to this replica's gateway, as Suite::Call.
  HttpResult Call(const std::string& key, const std::string& method, const std::string& target,
                  const std::string& body = "", std::map<std::string, std::string> headers = {});

 private:
  Replica() = default;

  std::unique_ptr<matching::MatchingServer> matching_;
  std::unique_ptr<ingest::IngestServer> ingest_;
  std::unique_ptr<timeline::TimelineServer> timeline_;
  std::unique_ptr<gateway::GatewayServer> gateway_;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_REPLICA_H_
