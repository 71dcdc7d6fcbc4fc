// The web console's static files (HTML, CSS, JavaScript modules under console/), read into
// memory once at start and served under /console/ with their content types, validators and a
// strict Content-Security-Policy. Nothing touches the file system per request, so no request
// path can reach a file outside the set that was loaded.
#ifndef AIEVENTS_GATEWAY_CONSOLE_FILES_H_
#define AIEVENTS_GATEWAY_CONSOLE_FILES_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/http/http_server.h"

namespace aievents::gateway {

class ConsoleFiles {
 public:
  // No files: every console path is 404 (the console is turned off).
  ConsoleFiles() = default;

  // Reads every regular file below `dir` (at most 1,000 files of 2 MiB each). NOT_FOUND when
  // `dir` is not a directory or has no index.html.
  static absl::StatusOr<ConsoleFiles> Load(const std::string& dir);

  // True for the paths this serves: "/" (a redirect to the console) and "/console...".
  static bool Owns(const std::string& path);

  // The answer for a request whose path Owns().
  HttpResponse Serve(const HttpRequest& request) const;

  size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
    std::string etag;
  };
  std::map<std::string, File> files_;  // by path below the directory: "index.html", "js/app.js"
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_CONSOLE_FILES_H_
