// aievents-admin: operator tool. Commands:
//   migrate                                  apply pending database migrations
//   create-tenant --name=NAME                print the new tenant's id
//   create-key --tenant=ID [--label=TEXT]    print a new API key (shown once)
//   revoke-key --key-id=ID                   stop a key from working
//   list-deliveries [--status=failed] [--tenant=ID]   webhook inbox entries
//   replay-delivery --id=ID                  queue a webhook delivery for processing again
// Every command takes --database-url (or AIEVENTS_DATABASE_URL).
#include <iostream>
#include <string>

#include "common/runtime/config_source.h"
#include "db/migrator.h"
#include "tools/admin/admin_commands.h"

namespace {

constexpr char kUsage[] =
    "usage: aievents-admin COMMAND [--flag=value...]\n"
    "  migrate                                apply pending database migrations\n"
    "  create-tenant --name=NAME              create a tenant, print its id\n"
    "  create-key --tenant=ID [--label=TEXT]  create an API key, print it (shown once)\n"
    "  revoke-key --key-id=ID                 revoke an API key\n"
    "  list-deliveries [--status=failed] [--tenant=ID] [--limit=50]\n"
    "                                         list webhook inbox entries\n"
    "  replay-delivery --id=ID                queue a webhook delivery for processing again\n"
    "every command needs --database-url=URI or AIEVENTS_DATABASE_URL\n";

int Fail(const absl::Status& status) {
  std::cerr << "aievents-admin: " << status.message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help") {
    std::cerr << kUsage;
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  aievents::ConfigSource source = aievents::ConfigSource::FromProcess(argc - 1, argv + 1);
  std::string url = source.RequiredString("database-url", "PostgreSQL connection URI");
  std::string name, tenant, label, key_id;
  if (command == "create-tenant") name = source.RequiredString("name", "tenant name");
  if (command == "create-key") {
    tenant = source.RequiredString("tenant", "tenant id");
    label = source.String("label", "", "a note on what the key is for");
  }
  if (command == "revoke-key") key_id = source.RequiredString("key-id", "API key id");
  std::string status, delivery_id;
  int limit = 50;
  if (command == "list-deliveries") {
    status = source.String("status", "failed", "pending, processed, failed, rejected or ignored");
    tenant = source.String("tenant", "", "only this tenant's deliveries");
    limit = source.Int("limit", 50, 1, 10000, "at most this many");
  }
  if (command == "replay-delivery") delivery_id = source.RequiredString("id", "delivery id");
  // "COMMAND --help" explains the command and does nothing else (never a migration).
  if (source.HelpRequested()) {
    std::cout << kUsage << "\n" << command << " settings:\n" << source.Help() << "\n";
    return 0;
  }
  if (absl::Status status = source.Finish(); !status.ok()) return Fail(status);

  if (command == "migrate") {
    auto applied = aievents::db::ApplyMigrations(url);
    if (!applied.ok()) return Fail(applied.status());
    for (const std::string& migration : *applied) std::cout << "applied " << migration << "\n";
    if (applied->empty()) std::cout << "database is up to date\n";
    return 0;
  }
  if (command == "create-tenant") {
    auto id = aievents::admin::CreateTenant(url, name);
    if (!id.ok()) return Fail(id.status());
    std::cout << *id << "\n";
    return 0;
  }
  if (command == "create-key") {
    auto key = aievents::admin::CreateApiKey(url, tenant, label);
    if (!key.ok()) return Fail(key.status());
    std::cerr << "key id " << key->id << " (prefix " << key->prefix
              << "); the key is shown once, store it now:\n";
    std::cout << key->plaintext << "\n";
    return 0;
  }
  if (command == "revoke-key") {
    if (absl::Status status = aievents::admin::RevokeApiKey(url, key_id); !status.ok()) {
      return Fail(status);
    }
    std::cout << "revoked " << key_id << "\n";
    return 0;
  }
  if (command == "list-deliveries") {
    auto lines = aievents::admin::ListDeliveries(url, status, tenant, limit);
    if (!lines.ok()) return Fail(lines.status());
    for (const std::string& line : *lines) std::cout << line << "\n";
    return 0;
  }
  if (command == "replay-delivery") {
    if (absl::Status queued = aievents::admin::RequeueDelivery(url, delivery_id); !queued.ok()) {
      return Fail(queued);
    }
    std::cout << "queued " << delivery_id << "; a running ingest service processes it shortly\n";
    return 0;
  }
  std::cerr << "aievents-admin: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
