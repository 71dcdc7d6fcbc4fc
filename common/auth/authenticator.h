// Authenticates every RPC and decides whether the caller may make it:
//  - an API key is resolved to its tenant and scopes through the SECURITY DEFINER function
//    authenticate_api_key (the one lookup that runs before a tenant is known), with a short
//    positive cache; revocation and rotation take effect within that cache's lifetime, which
//    is at most 4 s;
//  - the key must hold the scope the RPC declares (aievents.v1.required_scope), else
//    PERMISSION_DENIED naming the scope;
//  - a key's and its tenant's token buckets must have room, else RESOURCE_EXHAUSTED with the
//    seconds after which a retry passes.
//
// Calls between the suite's services carry the shared internal token instead, plus
// `x-tenant-id` naming the tenant the call acts for and, when it acts for a key, that key
// (`x-actor-key-id`, `x-actor`) for audit records. Internal calls hold every scope and are not
// rate-limited: the call that caused them was.
#ifndef AIEVENTS_COMMON_AUTH_AUTHENTICATOR_H_
#define AIEVENTS_COMMON_AUTH_AUTHENTICATOR_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/rate_limiter.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"
#include "grpcpp/server_context.h"

namespace aievents {

class Authenticator {
 public:
  // The longest a cached key may be trusted: revocation must reach every replica within 5 s.
  static constexpr absl::Duration kMaxCacheTtl = absl::Seconds(4);

  struct Options {
    absl::Duration cache_ttl = kMaxCacheTtl;  // clamped to kMaxCacheTtl
    std::string internal_token;               // empty disables internal calls
    RateLimiter::Limit per_key;               // per_second 0: no limit
    RateLimiter::Limit per_tenant;
  };

  Authenticator(PgPool* pool, Options options);

  // The context of an internal call acting for `tenant_id`, on behalf of the API key `actor_key_id`
  // when there is one (what the caller side forwards).
  static RequestContext InternalContext(const std::string& internal_token,
                                        const std::string& tenant_id, const std::string& actor,
                                        const std::string& actor_key_id = "");

  // Its statements (the constructor registers them with the pool).
  static std::vector<PgStatement> Statements();

  // Authenticates the call from its metadata (`x-api-key` or `authorization: Bearer`, or the
  // internal credential; `x-request-id`) and authorizes it for `method`, the RPC's full name
  // ("aievents.v1.TimelineService.GetEvent"), taking `cost` tokens (a batch of n calls costs
  // n; a batch may be granted fewer, see *granted). Rate-limit state goes into the call's
  // initial metadata as `x-http-header-ratelimit-*`, which the gateway turns into headers.
  // UNAUTHENTICATED for a missing, unknown, revoked or expired key; PERMISSION_DENIED for a
  // missing scope; RESOURCE_EXHAUSTED when nothing could be granted.
  absl::StatusOr<RequestContext> Authorize(grpc::ServerContextBase& context,
                                           std::string_view method, int cost = 1,
                                           int* granted = nullptr);

  // The refusal for calls beyond what a rate limit granted (RESOURCE_EXHAUSTED carrying
  // google.rpc.ErrorInfo RATE_LIMITED with retry_after_seconds).
  static absl::Status RateLimited(int retry_after_seconds);

 private:
  struct CachedKey {
    std::string tenant_id;
    std::string key_id;
    std::string key_prefix;
    std::vector<std::string> scopes;
    absl::Time expires;
  };

  absl::StatusOr<RequestContext> Authenticate(const grpc::ServerContextBase& context);
  absl::StatusOr<RequestContext> AuthenticateKey(const std::string& api_key);

  PgPool* pool_;
  Options options_;
  RateLimiter limiter_;
  std::mutex mutex_;
  std::unordered_map<std::string, CachedKey> cache_;  // key hash -> key
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUTH_AUTHENTICATOR_H_
