// Resolves an API key to its tenant, from the api_keys table, with a short positive cache so
// a busy service does not look the same key up on every call. A revoked key stops working
// within the cache TTL (documented in docs/operations.md).
//
// Service-to-service calls made on nobody's API key (webhook processing) authenticate with the
// shared internal token instead: metadata `x-internal-token` plus `x-tenant-id` naming the
// tenant the call acts for.
#ifndef AIEVENTS_COMMON_AUTH_AUTHENTICATOR_H_
#define AIEVENTS_COMMON_AUTH_AUTHENTICATOR_H_

#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"
#include "grpcpp/server_context.h"

namespace aievents {

class Authenticator {
 public:
  // `internal_token` empty disables internal calls.
  Authenticator(PgPool* pool, absl::Duration cache_ttl, std::string internal_token = "")
      : pool_(pool), cache_ttl_(cache_ttl), internal_token_(std::move(internal_token)) {}

  // The context of an internal call acting for `tenant_id` (what the caller side forwards).
  static RequestContext InternalContext(const std::string& internal_token,
                                        const std::string& tenant_id, const std::string& actor);

  // The statements the pool passed in must have prepared.
  static std::vector<PgStatement> Statements();

  // Reads `x-api-key` or `authorization: Bearer` and `x-request-id` from the call's metadata.
  // UNAUTHENTICATED when the key is missing, unknown or revoked.
  absl::StatusOr<RequestContext> Authenticate(const grpc::ServerContextBase& context);

  // The same for a key already extracted.
  absl::StatusOr<RequestContext> AuthenticateKey(const std::string& api_key);

 private:
  struct CachedKey {
    std::string tenant_id;
    std::string key_id;
    std::string key_prefix;
    absl::Time expires;
  };

  PgPool* pool_;
  absl::Duration cache_ttl_;
  std::string internal_token_;
  std::mutex mutex_;
  std::unordered_map<std::string, CachedKey> cache_;  // key hash -> tenant
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUTH_AUTHENTICATOR_H_
