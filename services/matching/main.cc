// aievents-matching: the customer directory and the matching rules, over gRPC.
#include "common/runtime/service_main.h"
#include "services/matching/matching_server.h"

int main(int argc, char** argv) {
  using aievents::matching::MatchingConfig;
  return aievents::RunServiceMain<aievents::matching::MatchingServer>(
      "aievents-matching", argc, argv, aievents::matching::LoadMatchingConfig,
      [](const MatchingConfig& config) { return config.service.log_level; });
}
