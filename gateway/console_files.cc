#include "gateway/console_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace aievents::gateway {
namespace {

constexpr size_t kMaxFiles = 1000;
constexpr size_t kMaxFileBytes = 2 * 1024 * 1024;

// Scripts, styles and fetches come from this origin only; no inline script or style, no
// plug-ins, no framing (clickjacking), and forms cannot post elsewhere.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none';"
    " form-action 'self'; frame-ancestors 'none'";

std::string ContentType(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".txt" || ext == ".md") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// FNV-1a: the same bytes give the same validator in every replica and after every restart.
std::string ETag(const std::string& body) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return absl::StrFormat("\"%016x-%x\"", hash, body.size());
}

void AddSecurityHeaders(HttpResponse& response) {
  response.headers.emplace_back("content-security-policy", kContentSecurityPolicy);
  response.headers.emplace_back("x-content-type-options", "nosniff");
  response.headers.emplace_back("referrer-policy", "no-referrer");
  response.headers.emplace_back("x-frame-options", "DENY");
  response.headers.emplace_back("cross-origin-opener-policy", "same-origin");
}

HttpResponse Plain(int status, const std::string& text) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = text;
  AddSecurityHeaders(response);
  return response;
}

HttpResponse Redirect(const std::string& location) {
  // 302, not 301: a permanent redirect would stay in browsers' caches if the console moved.
  HttpResponse response = Plain(302, "");
  response.headers.emplace_back("location", location);
  return response;
}

}  // namespace

absl::StatusOr<ConsoleFiles> ConsoleFiles::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat("console directory ", dir, " does not exist"));
  }
  ConsoleFiles console;
  for (auto it = fs::recursive_directory_iterator(dir, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file()) continue;
    std::string relative = fs::relative(it->path(), dir).generic_string();
    if (relative.empty() || relative[0] == '.') continue;  // dot files are not served
    if (console.files_.size() >= kMaxFiles || it->file_size() > kMaxFileBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("console directory ", dir, " has too many or too large files"));
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream body;
    body << in.rdbuf();
    File file{ContentType(it->path()), body.str(), ""};
    file.etag = ETag(file.body);
    console.files_[relative] = std::move(file);
  }
  if (error) return absl::InternalError(absl::StrCat("reading ", dir, ": ", error.message()));
  if (console.files_.count("index.html") == 0) {
    return absl::NotFoundError(absl::StrCat("console directory ", dir, " has no index.html"));
  }
  return console;
}

bool ConsoleFiles::Owns(const std::string& path) {
  return path == "/" || path == "/console" || path.rfind("/console/", 0) == 0;
}

HttpResponse ConsoleFiles::Serve(const HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = Plain(405, "use GET");
    response.headers.emplace_back("allow", "GET, HEAD");
    return response;
  }
  if (files_.empty()) return Plain(404, "the console is not installed (console-dir)");
  if (request.path == "/") return Redirect("/console/");
  if (request.path == "/console") return Redirect("/console/");
  std::string relative = request.path.substr(std::string("/console/").size());
  if (relative.empty()) relative = "index.html";
  auto found = files_.find(relative);
  if (found == files_.end()) return Plain(404, "no such console file");
  const File& file = found->second;
  HttpResponse response;
  response.content_type = file.content_type;
  // Revalidated on every use (cheap: 304 without a body), so an upgrade is seen at once
  // without fingerprinted file names or a build step.
  response.headers.emplace_back("cache-control", "no-cache");
  response.headers.emplace_back("etag", file.etag);
  AddSecurityHeaders(response);
  if (request.Header("if-none-match") == file.etag) {
    response.status = 304;
    return response;
  }
  if (request.method == "GET") response.body = file.body;
  return response;
}

}  // namespace aievents::gateway
