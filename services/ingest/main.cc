// aievents-ingest: validates, dedupes, matches (via aievents-matching) and stores AI events.
#include "common/runtime/service_main.h"
#include "services/ingest/ingest_server.h"

int main(int argc, char** argv) {
  using aievents::ingest::IngestConfig;
  return aievents::RunServiceMain<aievents::ingest::IngestServer>(
      "aievents-ingest", argc, argv, aievents::ingest::LoadIngestConfig,
      [](const IngestConfig& config) { return config.service.log_level; });
}
