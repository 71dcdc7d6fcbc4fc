// Serves a server-streaming RPC whose route names stream_document_items (a customer's export)
// as one JSON document: `200 application/json` once the first message arrives, or the backend's
// error as the usual JSON error (404 unknown customer, 403, ...) when it fails before that. The
// body streams part by part, and the next part is read from the backend only once the previous
// one is on the wire (BackendStream's pacing), so memory stays bounded by one part per download.
// A failure after the head leaves the document unterminated, which no JSON parser accepts.
#ifndef AIEVENTS_GATEWAY_DOCUMENT_STREAM_BRIDGE_H_
#define AIEVENTS_GATEWAY_DOCUMENT_STREAM_BRIDGE_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/http/http_server.h"
#include "gateway/backend_client.h"
#include "gateway/route_table.h"

namespace aievents::gateway {

class DocumentStreamBridge {
 public:
  struct Options {
    // The backend call's deadline: a download that takes longer is cut off (and so invalid).
    absl::Duration max_duration = absl::Minutes(10);
  };

  DocumentStreamBridge(BackendClient* backends, Options options)
      : backends_(backends), options_(options) {}
  // Cancels every open download and waits (boundedly) for their calls to end.
  ~DocumentStreamBridge();

  // Starts the stream of `route` for `request` (serialized) and answers through `answer` once.
  void Open(const Route& route, const std::string& request,
            const std::vector<std::pair<std::string, std::string>>& metadata,
            std::function<void(HttpResponse)> answer);

 private:
  struct Download;

  void Forget(const std::shared_ptr<Download>& download);

  BackendClient* backends_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::shared_ptr<Download>> open_;
  bool stopping_ = false;
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_DOCUMENT_STREAM_BRIDGE_H_
