#include "common/auth/scopes.h"

#include <algorithm>

#include "aievents/v1/scopes.pb.h"
#include "google/protobuf/descriptor.h"

namespace aievents {

const std::vector<std::string>& AllScopes() {
  static const std::vector<std::string> scopes = {
      "events:write",    "events:read",     "events:associate", "customers:read",
      "customers:write", "customers:erase", "webhooks:admin",   "keys:admin"};
  return scopes;
}

bool IsKnownScope(std::string_view scope) {
  const auto& all = AllScopes();
  return std::find(all.begin(), all.end(), scope) != all.end();
}

std::string RequiredScope(std::string_view method) {
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(std::string(method));
  if (descriptor == nullptr) return "";
  return descriptor->options().GetExtension(v1::required_scope);
}

}  // namespace aievents
