#include "common/auth/authenticator.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/api_key.h"
#include "common/auth/scopes.h"
#include "common/text/ids.h"
#include "google/rpc/error_details.pb.h"

namespace aievents {
namespace {

// The caller's deadline; gRPC reports "none" as the largest time point.
absl::Time IncomingDeadline(const grpc::ServerContextBase& context) {
  std::chrono::system_clock::time_point deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

constexpr char kLookupKey[] = "auth_lookup_key";
constexpr size_t kMaxCacheEntries = 10000;
constexpr char kErrorInfoTypeUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";

std::string Metadata(const grpc::ServerContextBase& context, const char* name) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(name);
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A status carrying google.rpc.ErrorInfo, which the gateway renders into the error body.
absl::Status WithErrorInfo(absl::Status status, const std::string& reason,
                           std::initializer_list<std::pair<std::string, std::string>> metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("aievents");
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

std::string ShortMethodName(std::string_view method) {
  size_t dot = method.rfind('.');
  return std::string(dot == std::string_view::npos ? method : method.substr(dot + 1));
}

}  // namespace

Authenticator::Authenticator(PgPool* pool, Options options)
    : pool_(pool), options_(std::move(options)), limiter_(options_.per_key, options_.per_tenant) {
  options_.cache_ttl = std::clamp(options_.cache_ttl, absl::ZeroDuration(), kMaxCacheTtl);
  pool->Register(Statements());
}

std::vector<PgStatement> Authenticator::Statements() {
  return {{kLookupKey,
           "SELECT id::text AS id, tenant_id::text AS tenant_id, prefix, scopes,"
           " (extract(epoch FROM expires_at) * 1000000)::bigint AS expires_micros"
           " FROM authenticate_api_key($1)"}};
}

RequestContext Authenticator::InternalContext(const std::string& internal_token,
                                              const std::string& tenant_id,
                                              const std::string& actor,
                                              const std::string& actor_key_id) {
  RequestContext context;
  context.tenant_id = tenant_id;
  context.key_id = actor_key_id;
  context.key_prefix = actor;
  context.scopes = AllScopes();
  context.internal = true;
  context.forward_metadata = {
      {"x-internal-token", internal_token}, {"x-tenant-id", tenant_id}, {"x-actor", actor}};
  if (!actor_key_id.empty()) context.forward_metadata.emplace_back("x-actor-key-id", actor_key_id);
  return context;
}

absl::Status Authenticator::RateLimited(int retry_after_seconds) {
  return WithErrorInfo(absl::ResourceExhaustedError(absl::StrCat(
                           "rate limit exceeded for this API key or its tenant; retry after ",
                           retry_after_seconds, " s")),
                       "RATE_LIMITED",
                       {{"retry_after_seconds", std::to_string(retry_after_seconds)}});
}

absl::StatusOr<RequestContext> Authenticator::Authorize(grpc::ServerContextBase& context,
                                                        std::string_view method, int cost,
                                                        int* granted) {
  if (granted != nullptr) *granted = cost;
  absl::StatusOr<RequestContext> caller = Authenticate(context);
  if (!caller.ok() || caller->internal) return caller;
  std::string scope = RequiredScope(method);
  bool allowed = !scope.empty() && scope != kPublic &&
                 (scope == kAnyKey || std::find(caller->scopes.begin(), caller->scopes.end(),
                                                scope) != caller->scopes.end());
  if (!allowed) {
    if (scope.empty() || scope == kPublic) scope = "(none: not callable with an API key)";
    return WithErrorInfo(
        absl::PermissionDeniedError(absl::StrCat("this API key lacks the scope '", scope, "' that ",
                                                 ShortMethodName(method), " requires")),
        "MISSING_SCOPE", {{"scope", scope}});
  }
  RateLimiter::Decision decision =
      limiter_.Take(caller->key_id, caller->tenant_id, cost, absl::Now());
  if (decision.limited) {
    caller->rate_limit_metadata = {
        {"x-http-header-ratelimit-limit", std::to_string(decision.limit)},
        {"x-http-header-ratelimit-remaining", std::to_string(decision.remaining)},
        {"x-http-header-ratelimit-reset", std::to_string(decision.reset_seconds)}};
    for (const auto& [key, value] : caller->rate_limit_metadata) {
      context.AddInitialMetadata(key, value);
    }
  }
  if (granted != nullptr) *granted = decision.granted;
  if (decision.granted == 0) return RateLimited(decision.retry_after_seconds);
  return caller;
}

absl::StatusOr<RequestContext> Authenticator::Authenticate(const grpc::ServerContextBase& context) {
  std::string request_id = Metadata(context, "x-request-id");
  if (request_id.empty()) request_id = NewUuidV7();
  std::string internal = Metadata(context, "x-internal-token");
  if (!internal.empty()) {
    std::string tenant = Metadata(context, "x-tenant-id");
    std::string actor_key_id = Metadata(context, "x-actor-key-id");
    if (options_.internal_token.empty() || !SameSecret(internal, options_.internal_token) ||
        !IsUuid(tenant) || (!actor_key_id.empty() && !IsUuid(actor_key_id))) {
      return absl::UnauthenticatedError("invalid internal credentials");
    }
    std::string actor = Metadata(context, "x-actor");
    RequestContext result = InternalContext(options_.internal_token, tenant,
                                            actor.empty() ? "internal" : actor, actor_key_id);
    result.request_id = std::move(request_id);
    result.deadline = IncomingDeadline(context);
    return result;
  }
  std::optional<std::string> key =
      ExtractApiKey(Metadata(context, "x-api-key"), Metadata(context, "authorization"));
  if (!key.has_value()) {
    return absl::UnauthenticatedError(
        "missing API key: send 'x-api-key: KEY' or 'Authorization: Bearer KEY'");
  }
  auto result = AuthenticateKey(*key);
  if (!result.ok()) return result.status();
  result->request_id = std::move(request_id);
  result->deadline = IncomingDeadline(context);
  return result;
}

absl::StatusOr<RequestContext> Authenticator::AuthenticateKey(const std::string& api_key) {
  // A key in the current format that fails its checksum was mistyped or made up: no lookup.
  if (!ApiKeyChecksumPlausible(api_key)) {
    return absl::UnauthenticatedError("invalid or revoked API key");
  }
  std::string hash = HashApiKey(api_key);
  absl::Time now = absl::Now();
  RequestContext context;
  // What this service's own outgoing calls carry: the internal credential acting for this key
  // (peers trust the scope check done here; every service has the token, it is required).
  auto finish = [&](const CachedKey& key) {
    context.forward_metadata =
        InternalContext(options_.internal_token, key.tenant_id, key.key_prefix, key.key_id)
            .forward_metadata;
    context.tenant_id = key.tenant_id;
    context.key_id = key.key_id;
    context.key_prefix = key.key_prefix;
    context.scopes = key.scopes;
    return context;
  };
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.expires > now) return finish(it->second);
  }
  std::optional<CachedKey> found;
  absl::Status status = pool_->InSystemTransaction([&](pqxx::work& txn) {
    pqxx::result rows = Exec(txn, kLookupKey, hash);
    if (rows.empty()) return absl::OkStatus();
    CachedKey key;
    key.key_id = rows[0]["id"].as<std::string>();
    key.tenant_id = rows[0]["tenant_id"].as<std::string>();
    key.key_prefix = rows[0]["prefix"].as<std::string>();
    key.scopes = TextArray(rows[0]["scopes"]);
    // A rotated key's entry never outlives the key.
    key.expires = now + options_.cache_ttl;
    if (!rows[0]["expires_micros"].is_null()) {
      key.expires =
          std::min(key.expires, absl::FromUnixMicros(rows[0]["expires_micros"].as<int64_t>()));
    }
    found = std::move(key);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) return absl::UnauthenticatedError("invalid or revoked API key");
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[hash] = *found;
  return finish(*found);
}

}  // namespace aievents
