#include "common/auth/authenticator.h"

#include <openssl/crypto.h>

#include "absl/time/clock.h"
#include "common/auth/api_key.h"
#include "common/text/ids.h"

namespace aievents {
namespace {

constexpr char kLookupKey[] = "auth_lookup_key";
constexpr size_t kMaxCacheEntries = 10000;

std::string Metadata(const grpc::ServerContextBase& context, const char* name) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(name);
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

}  // namespace

std::vector<PgStatement> Authenticator::Statements() {
  return {{kLookupKey,
           "SELECT id::text AS id, tenant_id::text AS tenant_id, prefix FROM api_keys"
           " WHERE key_hash = $1 AND revoked_at IS NULL"}};
}

RequestContext Authenticator::InternalContext(const std::string& internal_token,
                                              const std::string& tenant_id,
                                              const std::string& actor) {
  RequestContext context;
  context.tenant_id = tenant_id;
  context.key_prefix = actor;
  context.forward_metadata = {{"x-internal-token", internal_token}, {"x-tenant-id", tenant_id}};
  return context;
}

absl::StatusOr<RequestContext> Authenticator::Authenticate(const grpc::ServerContextBase& context) {
  std::string internal = Metadata(context, "x-internal-token");
  if (!internal.empty()) {
    std::string tenant = Metadata(context, "x-tenant-id");
    if (internal_token_.empty() || internal.size() != internal_token_.size() ||
        CRYPTO_memcmp(internal.data(), internal_token_.data(), internal.size()) != 0 ||
        !IsUuid(tenant)) {
      return absl::UnauthenticatedError("invalid internal credentials");
    }
    RequestContext result = InternalContext(internal_token_, tenant, "internal");
    result.request_id = Metadata(context, "x-request-id");
    if (result.request_id.empty()) result.request_id = NewUuidV7();
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
  result->request_id = Metadata(context, "x-request-id");
  if (result->request_id.empty()) result->request_id = NewUuidV7();
  return result;
}

absl::StatusOr<RequestContext> Authenticator::AuthenticateKey(const std::string& api_key) {
  std::string hash = HashApiKey(api_key);
  absl::Time now = absl::Now();
  RequestContext context;
  context.forward_metadata = {{"x-api-key", api_key}};
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.expires > now) {
      context.tenant_id = it->second.tenant_id;
      context.key_id = it->second.key_id;
      context.key_prefix = it->second.key_prefix;
      return context;
    }
  }
  bool found = false;
  absl::Status status = pool_->InSystemTransaction([&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_prepared(kLookupKey, hash);
    if (rows.empty()) return absl::OkStatus();
    found = true;
    context.key_id = rows[0]["id"].as<std::string>();
    context.tenant_id = rows[0]["tenant_id"].as<std::string>();
    context.key_prefix = rows[0]["prefix"].as<std::string>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found) return absl::UnauthenticatedError("invalid or revoked API key");
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[hash] = {context.tenant_id, context.key_id, context.key_prefix, now + cache_ttl_};
  return context;
}

}  // namespace aievents
