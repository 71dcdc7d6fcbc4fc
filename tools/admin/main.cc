// aievents-admin: the operator tool. Every command takes --database-url (or
// AIEVENTS_DATABASE_URL), the owner's connection. `aievents-admin --help` lists the commands;
// `aievents-admin COMMAND --help` explains one and does nothing else.
// Exit codes: 0 success, 1 failure (database, not found), 2 bad usage (unknown command or
// setting, missing or invalid value).
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/auth/scopes.h"
#include "common/runtime/config_source.h"
#include "db/migrator.h"
#include "tools/admin/admin_commands.h"

namespace {

using aievents::ConfigSource;

constexpr int kFailure = 1;
constexpr int kBadUsage = 2;

// A command reads its settings from `source`, then (once they are valid, and only when no
// --help was asked for) runs through the function it returns.
struct Command {
  const char* name;
  const char* summary;
  std::function<std::function<int()>(ConfigSource& source, const std::string& url)> prepare;
};

int Fail(const absl::Status& status) {
  std::cerr << "aievents-admin: " << status.message() << "\n";
  return status.code() == absl::StatusCode::kInvalidArgument ? kBadUsage : kFailure;
}

int PrintLines(const absl::StatusOr<std::vector<std::string>>& lines) {
  if (!lines.ok()) return Fail(lines.status());
  for (const std::string& line : *lines) std::cout << line << "\n";
  return 0;
}

int PrintNewKey(const absl::StatusOr<aievents::admin::CreatedKey>& key) {
  if (!key.ok()) return Fail(key.status());
  std::cerr << "key id " << key->id << " (prefix " << key->prefix
            << "); the key is shown once, store it now:\n";
  std::cout << key->plaintext << "\n";
  return 0;
}

std::string Tenant(ConfigSource& source) { return source.RequiredString("tenant", "tenant id"); }

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"migrate", "apply pending database migrations",
       [](ConfigSource&, const std::string& url) {
         return [url] {
           auto applied = aievents::db::ApplyMigrations(url);
           if (!applied.ok()) return Fail(applied.status());
           for (const std::string& name : *applied) std::cout << "applied " << name << "\n";
           if (applied->empty()) std::cout << "database is up to date\n";
           return 0;
         };
       }},
      {"create-tenant", "create a tenant, print its id",
       [](ConfigSource& source, const std::string& url) {
         std::string name = source.RequiredString("name", "tenant name (1 to 200 characters)");
         return [url, name] {
           auto id = aievents::admin::CreateTenant(url, name);
           if (!id.ok()) return Fail(id.status());
           std::cout << *id << "\n";
           return 0;
         };
       }},
      {"create-key", "create an API key, print it (shown once)",
       [](ConfigSource& source, const std::string& url) {
         std::string tenant = Tenant(source);
         std::string label = source.String("label", "", "what the key is for");
         std::string scopes = source.RequiredString(
             "scopes",
             "comma-separated: " + absl::StrJoin(aievents::AllScopes(), ",") + ", or \"all\"");
         return [url, tenant, label, scopes] {
           std::vector<std::string> list =
               scopes == "all"
                   ? aievents::AllScopes()
                   : std::vector<std::string>(absl::StrSplit(scopes, ',', absl::SkipEmpty()));
           return PrintNewKey(aievents::admin::CreateApiKey(url, tenant, label, list));
         };
       }},
      {"list-keys", "list a tenant's API keys (never their secrets)",
       [](ConfigSource& source, const std::string& url) {
         std::string tenant = Tenant(source);
         bool all = source.String("include-inactive", "false",
                                  "true to list revoked and expired keys too") == "true";
         return [url, tenant, all] {
           return PrintLines(aievents::admin::ListApiKeys(url, tenant, all));
         };
       }},
      {"revoke-key", "revoke an API key (every replica refuses it within 4 s)",
       [](ConfigSource& source, const std::string& url) {
         std::string tenant = Tenant(source);
         std::string key_id = source.RequiredString("key-id", "API key id");
         return [url, tenant, key_id] {
           if (absl::Status status = aievents::admin::RevokeApiKey(url, tenant, key_id);
               !status.ok()) {
             return Fail(status);
           }
           std::cout << "revoked " << key_id << "\n";
           return 0;
         };
       }},
      {"rotate-key", "replace an API key; the old one works for --overlap-seconds more",
       [](ConfigSource& source, const std::string& url) {
         std::string tenant = Tenant(source);
         std::string key_id = source.RequiredString("key-id", "API key id");
         int overlap = source.Int("overlap-seconds", 86400, 0, 30 * 86400,
                                  "how long the old key keeps working");
         return [url, tenant, key_id, overlap] {
           return PrintNewKey(aievents::admin::RotateApiKey(url, tenant, key_id, overlap));
         };
       }},
      {"audit", "print a tenant's audit trail, newest first",
       [](ConfigSource& source, const std::string& url) {
         std::string tenant = Tenant(source);
         std::string action = source.String("action", "", "only this action, e.g. api_key.revoked");
         int limit = source.Int("limit", 50, 1, 500, "at most this many");
         return [url, tenant, action, limit] {
           return PrintLines(aievents::admin::ListAudit(url, tenant, action, limit));
         };
       }},
      {"reseal-secrets", "re-encrypt webhook signing secrets with the first key of the ring",
       [](ConfigSource& source, const std::string& url) {
         std::string tenant =
             source.String("tenant", "", "only this tenant (default: all; needs a superuser)");
         std::string key_file = source.String("secrets-key-file", "",
                                              "file of base64 keys, the new sealing key first");
         std::string keys = source.String("secrets-keys", "", "the keys inline, comma-separated");
         if (key_file.empty() && keys.empty()) {
           source.AddProblem("setting --secrets-key-file or --secrets-keys is required");
         }
         return [url, tenant, key_file, keys] {
           auto resealed = aievents::admin::ResealSecrets(url, tenant, key_file, keys);
           if (!resealed.ok()) return Fail(resealed.status());
           std::cout << "resealed the secrets of " << resealed->sources << " webhook sources and "
                     << resealed->endpoints << " webhook endpoints\n";
           return 0;
         };
       }},
      {"list-deliveries", "list a tenant's webhook inbox entries",
       [](ConfigSource& source, const std::string& url) {
         std::string tenant = Tenant(source);
         std::string status =
             source.String("status", "failed", "pending, processed, failed, rejected or ignored");
         int limit = source.Int("limit", 50, 1, 10000, "at most this many");
         return [url, tenant, status, limit] {
           return PrintLines(aievents::admin::ListDeliveries(url, tenant, status, limit));
         };
       }},
      {"replay-delivery", "queue a webhook delivery for processing again",
       [](ConfigSource& source, const std::string& url) {
         std::string tenant = Tenant(source);
         std::string id = source.RequiredString("id", "delivery id");
         return [url, tenant, id] {
           if (absl::Status queued = aievents::admin::RequeueDelivery(url, tenant, id);
               !queued.ok()) {
             return Fail(queued);
           }
           std::cout << "queued " << id << "; a running ingest service processes it shortly\n";
           return 0;
         };
       }},
  };
  return commands;
}

std::string Usage() {
  std::string usage = "usage: aievents-admin COMMAND [--setting=value...]\n";
  for (const Command& command : Commands()) {
    usage += "  " + std::string(command.name) +
             std::string(18 - std::min<size_t>(17, std::string(command.name).size()), ' ') +
             command.summary + "\n";
  }
  usage +=
      "every command needs --database-url=URI or AIEVENTS_DATABASE_URL (the owner's "
      "connection);\n`aievents-admin COMMAND --help` lists a command's settings\n";
  return usage;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    (argc < 2 ? std::cerr : std::cout) << Usage();
    return argc < 2 ? kBadUsage : 0;
  }
  std::string name = argv[1];
  const Command* command = nullptr;
  for (const Command& candidate : Commands()) {
    if (name == candidate.name) command = &candidate;
  }
  if (command == nullptr) {
    std::cerr << "aievents-admin: unknown command '" << name << "'\n" << Usage();
    return kBadUsage;
  }
  ConfigSource source = ConfigSource::FromProcess(argc - 1, argv + 1);
  std::string url = source.RequiredString("database-url", "PostgreSQL connection URI (owner)");
  std::function<int()> run = command->prepare(source, url);
  // "COMMAND --help" explains the command and does nothing else (never a migration).
  if (source.HelpRequested()) {
    std::cout << "aievents-admin " << name << ": " << command->summary << "\nsettings:\n"
              << source.Help() << "\n";
    return 0;
  }
  if (absl::Status status = source.Finish(); !status.ok()) {
    std::cerr << "aievents-admin " << name << ": " << status.message() << "\n";
    return kBadUsage;
  }
  return run();
}
