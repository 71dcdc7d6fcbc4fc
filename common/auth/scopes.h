// The scopes an API key may hold and the one each RPC requires (declared on the RPC with the
// aievents.v1.required_scope option; see proto/aievents/v1/scopes.proto).
#ifndef AIEVENTS_COMMON_AUTH_SCOPES_H_
#define AIEVENTS_COMMON_AUTH_SCOPES_H_

#include <string>
#include <string_view>
#include <vector>

namespace aievents {

// Not scopes but values of required_scope: any valid key; no key (the RPC checks its caller).
inline constexpr std::string_view kAnyKey = "any";
inline constexpr std::string_view kPublic = "public";

// Every scope, in the order documentation lists them.
const std::vector<std::string>& AllScopes();

bool IsKnownScope(std::string_view scope);

// The scope the RPC named `method` ("aievents.v1.TimelineService.GetEvent") requires, read from
// the compiled descriptors; empty when the method is unknown or declares none (and then every
// key is refused: a method nobody classified is closed, not open).
std::string RequiredScope(std::string_view method);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUTH_SCOPES_H_
