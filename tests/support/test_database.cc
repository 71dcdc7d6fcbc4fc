#include "tests/support/test_database.h"

#include <cstdlib>
#include <iostream>
#include <pqxx/pqxx>

#include "common/text/crypto.h"
#include "db/migrator.h"

namespace aievents::testing {

std::string_view RoleName(ServiceRole role) {
  switch (role) {
    case ServiceRole::kIngest:
      return "aievents_ingest";
    case ServiceRole::kMatching:
      return "aievents_matching";
    case ServiceRole::kTimeline:
      return "aievents_timeline";
  }
  return "";
}

std::unique_ptr<TestDatabase> TestDatabase::Create() {
  const char* base = std::getenv("AIEVENTS_TEST_DATABASE_URL");
  if (base == nullptr || *base == '\0') {
    std::cerr << "AIEVENTS_TEST_DATABASE_URL is not set: run the tests with `make test` "
                 "(scripts/run-tests.sh starts a throwaway PostgreSQL)\n";
    std::abort();
  }
  std::string admin_url = base;
  std::string name = "aievents_test_" + HexEncode(RandomBytes(6));
  std::string url = admin_url.substr(0, admin_url.rfind('/') + 1) + name;
  try {
    pqxx::connection conn(admin_url);
    pqxx::nontransaction txn(conn);
    txn.exec("CREATE DATABASE " + txn.quote_name(name));
  } catch (const std::exception& e) {
    std::cerr << "cannot create test database: " << e.what() << "\n";
    std::abort();
  }
  auto applied = db::ApplyMigrations(url);
  if (!applied.ok()) {
    std::cerr << "cannot migrate test database: " << applied.status() << "\n";
    std::abort();
  }
  return std::unique_ptr<TestDatabase>(new TestDatabase(admin_url, name, url));
}

// The same server and database as the owner, as the service's role (db/roles.sql; the
// throwaway cluster trusts local connections).
std::string TestDatabase::service_url(ServiceRole role) const {
  std::string service_url = url_;
  size_t user = service_url.find("://") + 3;
  service_url.replace(user, service_url.find('@', user) - user, RoleName(role));
  return service_url;
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection conn(admin_url_);
    pqxx::nontransaction txn(conn);
    txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "warning: cannot drop test database " << name_ << ": " << e.what() << "\n";
  }
}

}  // namespace aievents::testing
