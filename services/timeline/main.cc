// aievents-timeline: the read side of AI events, over gRPC.
#include "common/runtime/service_main.h"
#include "services/timeline/timeline_server.h"

int main(int argc, char** argv) {
  using aievents::timeline::TimelineConfig;
  return aievents::RunServiceMain<aievents::timeline::TimelineServer>(
      "aievents-timeline", argc, argv, aievents::timeline::LoadTimelineConfig,
      [](const TimelineConfig& config) { return config.service.log_level; });
}
